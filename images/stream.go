package images

import (
	"encoding/json"
	"errors"
	"io"
	"iter"

	"github.com/moby/moby/api/types/jsonstream"
)

// decodeMessages reads the engine's JSON message stream of a build, load
// or push.
func decodeMessages(r io.Reader) iter.Seq2[jsonstream.Message, error] {
	return func(yield func(jsonstream.Message, error) bool) {
		dec := json.NewDecoder(r)
		for {
			var msg jsonstream.Message
			err := dec.Decode(&msg)
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(msg, err) || err != nil {
				return
			}
		}
	}
}
