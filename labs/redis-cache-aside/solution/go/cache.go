// A Redis cache in front of the users table (cache-aside).
package cache

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/gomodule/redigo/redis"
	_ "github.com/lib/pq" // the Postgres driver of database/sql
)

// ttlSeconds is long enough to help, short enough to heal a miss.
const ttlSeconds = 300

// User is one row of the users table.
type User struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

var (
	dbConn    *sql.DB
	redisConn redis.Conn
)

func db() (*sql.DB, error) {
	if dbConn == nil {
		conn, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))
		if err != nil {
			return nil, err
		}
		dbConn = conn
	}
	return dbConn, nil
}

func cache() (redis.Conn, error) {
	if redisConn == nil {
		conn, err := redis.DialURL(os.Getenv("REDIS_URL"))
		if err != nil {
			return nil, err
		}
		redisConn = conn
	}
	return redisConn, nil
}

func loadUser(id int) (*User, error) {
	d, err := db()
	if err != nil {
		return nil, err
	}
	var u User
	err = d.QueryRow("SELECT id, name, email FROM users WHERE id = $1", id).Scan(&u.ID, &u.Name, &u.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func key(id int) string { return fmt.Sprintf("user:%d", id) }

// GetUser reads through the cache: Redis first, then Postgres, whose
// answer is kept in Redis for ttlSeconds.
func GetUser(id int) (*User, error) {
	c, err := cache()
	if err != nil {
		return nil, err
	}
	cached, err := redis.Bytes(c.Do("GET", key(id)))
	switch {
	case err == nil:
		var u User
		if err := json.Unmarshal(cached, &u); err != nil {
			return nil, err
		}
		return &u, nil
	case !errors.Is(err, redis.ErrNil):
		return nil, err
	}
	u, err := loadUser(id)
	if err != nil || u == nil {
		return u, err
	}
	b, err := json.Marshal(u)
	if err != nil {
		return nil, err
	}
	if _, err := c.Do("SET", key(id), b, "EX", ttlSeconds); err != nil {
		return nil, err
	}
	return u, nil
}

// UpdateUserEmail writes Postgres, then drops the cached copy: the next
// read loads the new row.
func UpdateUserEmail(id int, email string) error {
	d, err := db()
	if err != nil {
		return err
	}
	if _, err := d.Exec("UPDATE users SET email = $1 WHERE id = $2", email, id); err != nil {
		return err
	}
	c, err := cache()
	if err != nil {
		return err
	}
	_, err = c.Do("DEL", key(id))
	return err
}
