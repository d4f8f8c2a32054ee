//go:build ignore

// Command warm is built once when the image is made, so that the build
// cache holds the drivers and the standard library packages a lab's
// program is likely to import (those of an HTTP service too): a learner's
// build then compiles only the learner's code.
package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/gomodule/redigo/redis"
	_ "github.com/lib/pq"
)

func main() {
	_, _ = sql.Open("postgres", os.Getenv("DATABASE_URL"))
	_, _ = redis.DialURL(os.Getenv("REDIS_URL"))
	b, _ := json.Marshal(strings.Fields("a b"))
	sort.Strings(nil)
	fmt.Println(string(b), strconv.Itoa(sha256.Size), http.StatusOK)
}
