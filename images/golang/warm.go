//go:build ignore

// Command warm is built once when the image is made, so that the build
// cache holds the standard library packages and the drivers a lab's
// program imports: a learner's build then compiles only the learner's code.
package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/gomodule/redigo/redis"
	_ "github.com/lib/pq"
)

func main() {
	_, _ = sql.Open("postgres", os.Getenv("DATABASE_URL"))
	_, _ = redis.DialURL(os.Getenv("REDIS_URL"))
	b, _ := json.Marshal(strings.Fields("a b"))
	fmt.Println(string(b))
}
