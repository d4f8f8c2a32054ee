package checks

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// RedisKey is the `redis.key` check: a key of the check's Redis service
// exists (or not), has a type, a value and a time to live in a range. The
// grader reads it as the default user, after the checks before it ran.
//
//	checks:
//	- name: user-cached
//	  type: redis.key
//	  service: cache
//	  key: user:1
//	  key_type: string          # string, hash, list, set, zset or stream
//	  value: {contains: Ada}    # a string's value (with field: a hash field's)
//	  # field: email
//	  json:                     # the value parsed as JSON: dotted paths
//	    email: {equals: ada@example.com}
//	  ttl: {min: 1s, max: 10m}  # it expires within the range
//	  # ttl: {none: true}       # it does not expire
//	  # absent: true            # the key must not exist
//	  message: get_user must cache the user under user:<id>
type RedisKey struct {
	// Key is the key's name.
	Key string `yaml:"key" json:"key"`
	// Absent requires that the key does not exist.
	Absent bool `yaml:"absent,omitempty" json:"absent,omitempty"`
	// KeyType is the type the key must have.
	KeyType string `yaml:"key_type,omitempty" json:"key_type,omitempty"`
	// Field selects a field of a hash for Value and JSON.
	Field string `yaml:"field,omitempty" json:"field,omitempty"`
	// Value is what the string (or the hash field) must be.
	Value *Match `yaml:"value,omitempty" json:"value,omitempty"`
	// JSON maps dotted paths of the value, parsed as JSON, to what they
	// must be.
	JSON map[string]*Match `yaml:"json,omitempty" json:"json,omitempty"`
	// TTL is the range the key's time to live must be in.
	TTL *TTLRange `yaml:"ttl,omitempty" json:"ttl,omitempty"`
	// Message is shown to the learner when the check fails.
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
}

// TTLRange is a range of times to live. With neither bound, the key must
// expire at some time.
type TTLRange struct {
	// Min is the shortest time to live allowed.
	Min Duration `yaml:"min,omitempty" json:"min,omitempty"`
	// Max is the longest time to live allowed; 0 means no bound.
	Max Duration `yaml:"max,omitempty" json:"max,omitempty"`
	// None requires that the key does not expire.
	None bool `yaml:"none,omitempty" json:"none,omitempty"`
}

var _ Check = (*RedisKey)(nil)

// redisTypes are the values of TYPE for an existing key.
var redisTypes = []string{"hash", "list", "set", "stream", "string", "zset"}

// Validate implements Check.
func (c *RedisKey) Validate() error {
	var errs []error
	if c.Key == "" {
		errs = append(errs, errors.New("key: must not be empty"))
	}
	if c.KeyType != "" && !slices.Contains(redisTypes, c.KeyType) {
		errs = append(errs, fmt.Errorf("key_type: %q is not a Redis type (one of: %s)", c.KeyType, strings.Join(redisTypes, ", ")))
	}
	if c.Absent && (c.KeyType != "" || c.Field != "" || c.Value != nil || len(c.JSON) > 0 || c.TTL != nil) {
		errs = append(errs, errors.New("absent: a key that must not exist has no type, value or TTL to check"))
	}
	if c.Field != "" && c.KeyType != "" && c.KeyType != "hash" {
		errs = append(errs, errors.New("field: only a hash has fields"))
	}
	if c.Field != "" && c.Value == nil && len(c.JSON) == 0 {
		errs = append(errs, errors.New("field: set value or json to say what the field must be"))
	}
	if c.Value != nil {
		if err := c.Value.validate("value"); err != nil {
			errs = append(errs, err)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(c.JSON)) {
		if c.JSON[p] == nil {
			errs = append(errs, fmt.Errorf("json.%s: expected equals, contains, matches or absent", p))
		} else if err := c.JSON[p].validate("json." + p); err != nil {
			errs = append(errs, err)
		}
	}
	if t := c.TTL; t != nil {
		switch {
		case t.None && (t.Min.Duration != 0 || t.Max.Duration != 0):
			errs = append(errs, errors.New("ttl: none cannot be combined with min or max"))
		case t.Min.Duration < 0 || t.Max.Duration < 0:
			errs = append(errs, errors.New("ttl: min and max must not be negative"))
		case t.Max.Duration != 0 && t.Min.Duration > t.Max.Duration:
			errs = append(errs, errors.New("ttl: min must not be greater than max"))
		}
	}
	return errors.Join(errs...)
}

// Run implements Check.
func (c *RedisKey) Run(ctx context.Context, env Env) Outcome {
	r, err := env.Redis()
	if err != nil {
		return Errored(err.Error())
	}
	reply, err := r.Do(ctx, "TYPE", c.Key)
	if err != nil {
		return redisError(ctx, err)
	}
	typ := FormatValue(reply)
	switch {
	case c.Absent && typ != "none":
		return c.failed(fmt.Sprintf("key %s exists (a %s); it must not", c.Key, typ))
	case c.Absent:
		return Passed()
	case typ == "none":
		return c.failed(fmt.Sprintf("key %s does not exist", c.Key))
	case c.KeyType != "" && typ != c.KeyType:
		return c.failed(fmt.Sprintf("key %s is a %s, expected a %s", c.Key, typ, c.KeyType))
	}
	var problems []string
	if c.Value != nil || len(c.JSON) > 0 {
		value, present, msg, out := c.read(ctx, r, typ)
		if out != nil {
			return *out
		}
		if msg != "" {
			return c.failed(msg)
		}
		problems = append(problems, c.checkValue(value, present, env.Reveal())...)
	}
	if c.TTL != nil {
		reply, err := r.Do(ctx, "PTTL", c.Key)
		if err != nil {
			return redisError(ctx, err)
		}
		ms, ok := reply.(int64)
		if !ok {
			return Errored(fmt.Sprintf("PTTL %s answered %v", c.Key, reply))
		}
		if p := c.TTL.check(ms, env.Reveal()); p != "" {
			problems = append(problems, fmt.Sprintf("key %s %s", c.Key, p))
		}
	}
	if len(problems) > 0 {
		return c.failed(strings.Join(problems, "; "))
	}
	return Passed()
}

// read returns the value the check compares: a string's, or a hash
// field's. msg is a failure; out is an outcome to return as it is.
func (c *RedisKey) read(ctx context.Context, r Redis, typ string) (value string, present bool, msg string, out *Outcome) {
	var reply any
	var err error
	switch {
	case c.Field != "" && typ != "hash":
		return "", false, fmt.Sprintf("key %s is a %s, expected a hash with field %s", c.Key, typ, c.Field), nil
	case c.Field != "":
		reply, err = r.Do(ctx, "HGET", c.Key, c.Field)
	case typ != "string":
		return "", false, fmt.Sprintf("key %s is a %s; its value can be compared only when it is a string (or with field: a hash field)", c.Key, typ), nil
	default:
		reply, err = r.Do(ctx, "GET", c.Key)
	}
	if err != nil {
		o := redisError(ctx, err)
		return "", false, "", &o
	}
	if reply == nil {
		return "", false, "", nil
	}
	return FormatValue(reply), true, "", nil
}

// checkValue compares the value with Value and JSON.
func (c *RedisKey) checkValue(value string, present, reveal bool) []string {
	what := "the value of " + c.Key
	if c.Field != "" {
		what = fmt.Sprintf("field %s of %s", c.Field, c.Key)
	}
	var problems []string
	if c.Value != nil {
		if p := c.Value.check(value, present, reveal); p != "" {
			problems = append(problems, what+" "+p)
		}
	}
	if len(c.JSON) == 0 {
		return problems
	}
	if !present {
		return append(problems, what+" is missing")
	}
	doc, err := parseJSON([]byte(value))
	if err != nil {
		return append(problems, fmt.Sprintf("%s is not JSON: %s", what, quoteShort(value)))
	}
	for _, p := range slices.Sorted(maps.Keys(c.JSON)) {
		v, ok := jsonField(doc, p)
		if msg := c.JSON[p].check(v, ok, reveal); msg != "" {
			problems = append(problems, fmt.Sprintf("%s: JSON field %s %s", what, p, msg))
		}
	}
	return problems
}

// check compares a PTTL reply (milliseconds; -1 no expiry, -2 no key)
// with the range. It returns "" or what is wrong.
func (t *TTLRange) check(ms int64, reveal bool) string {
	switch {
	case ms == -2:
		return "disappeared before its TTL could be read"
	case t.None && ms >= 0:
		return fmt.Sprintf("expires in %s; it must not expire", roundTTL(ms))
	case t.None:
		return ""
	case ms == -1:
		if reveal {
			return "has no TTL; it must expire " + t.describe()
		}
		return "has no TTL; it must expire"
	}
	ttl := time.Duration(ms) * time.Millisecond
	if ttl < t.Min.Duration || (t.Max.Duration > 0 && ttl > t.Max.Duration) {
		if reveal {
			return fmt.Sprintf("expires in %s; expected %s", roundTTL(ms), t.describe())
		}
		return fmt.Sprintf("expires in %s, which is not in the expected range", roundTTL(ms))
	}
	return ""
}

func (t *TTLRange) describe() string {
	switch {
	case t.Min.Duration > 0 && t.Max.Duration > 0:
		return fmt.Sprintf("in %s to %s", t.Min.Duration, t.Max.Duration)
	case t.Max.Duration > 0:
		return fmt.Sprintf("within %s", t.Max.Duration)
	case t.Min.Duration > 0:
		return fmt.Sprintf("in %s or more", t.Min.Duration)
	}
	return "at some time"
}

// roundTTL renders a PTTL reply for a message: seconds, or milliseconds
// under a second.
func roundTTL(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	if d < time.Second {
		return d.String()
	}
	return d.Round(time.Second).String()
}

func (c *RedisKey) failed(msg string) Outcome {
	if c.Message != "" {
		msg = c.Message + ": " + msg
	}
	return Failed(msg)
}

// redisError is the outcome of a Redis command that failed.
func redisError(ctx context.Context, err error) Outcome {
	if overLimit(ctx, err) {
		return Errored(pastLimit(ctx, "waiting for Redis", "given up"))
	}
	if ctx.Err() != nil {
		return interrupted
	}
	return Errored("redis: " + err.Error())
}
