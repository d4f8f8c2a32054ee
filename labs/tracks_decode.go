package labs

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// tracksDecoder decodes and validates a tracks.yaml node tree, keeping
// going after a problem so that one run reports all of them.
type tracksDecoder struct {
	el    *errorList
	known map[string]bool
	// at is where each lab id of a track or of requires is written.
	at map[string]Pos
}

// namesAsFields lets suggest find a likely typo among plain names.
func namesAsFields(names []string) []field {
	out := make([]field, len(names))
	for i, n := range names {
		out[i] = field{name: n}
	}
	return out
}

func (d *tracksDecoder) unknownKey(key *yaml.Node, where string, allowed []string) {
	hint := ""
	if s := suggest(namesAsFields(allowed), key.Value); s != "" {
		hint = fmt.Sprintf(", did you mean %q?", s)
	}
	d.el.add(nodePos(key), "unknown field %q in %s%s (allowed: %s)", key.Value, where, hint, strings.Join(allowed, ", "))
}

// labID checks that n names a lab of the catalog and returns the id.
func (d *tracksDecoder) labID(n *yaml.Node, where string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.el.add(nodePos(n), "%s: a lab id must be a string, not %s", where, describe(n))
		return "", false
	}
	if !d.known[n.Value] {
		ids := make([]string, 0, len(d.known))
		for id := range d.known {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		hint := ""
		if s := suggest(namesAsFields(ids), n.Value); s != "" {
			hint = fmt.Sprintf(", did you mean %q?", s)
		}
		d.el.add(nodePos(n), "%s: no lab %q in this catalog%s (a lab id is the name of its folder)", where, n.Value, hint)
		return "", false
	}
	return n.Value, true
}

// idList decodes a list of lab ids, reporting duplicates.
func (d *tracksDecoder) idList(n *yaml.Node, where string) []string {
	if n.Kind != yaml.SequenceNode {
		d.el.add(nodePos(n), "%s must be a list of lab ids, not %s", where, describe(n))
		return nil
	}
	var out []string
	for _, item := range n.Content {
		id, ok := d.labID(item, where)
		if !ok {
			continue
		}
		if slices.Contains(out, id) {
			d.el.add(nodePos(item), "%s: lab %q is listed twice", where, id)
			continue
		}
		out = append(out, id)
		if _, seen := d.at[id]; !seen {
			d.at[id] = nodePos(item)
		}
	}
	return out
}

// str decodes a string value.
func (d *tracksDecoder) str(n *yaml.Node, where string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Tag == "!!map" {
		d.el.add(nodePos(n), "%s must be a string, not %s", where, describe(n))
		return ""
	}
	return n.Value
}

var (
	tracksFileFields = []string{"tracks", "requires"}
	trackFields      = []string{"id", "title", "description", "labs"}
)

func decodeTracks(root *yaml.Node, el *errorList, known map[string]bool) *Tracks {
	d := &tracksDecoder{el: el, known: known, at: map[string]Pos{}}
	t := &Tracks{Requires: map[string][]string{}}
	if root.Kind != yaml.MappingNode {
		el.add(nodePos(root), "tracks.yaml must be a mapping with a tracks list, not %s", describe(root))
		return t
	}
	var tracksNode *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch {
		case key.Value == "tracks":
			tracksNode = val
			t.Tracks = d.tracks(val)
		case key.Value == "requires":
			d.requires(val, t)
		case strings.HasPrefix(key.Value, extensionPrefix):
		default:
			d.unknownKey(key, "tracks.yaml", tracksFileFields)
		}
	}
	if tracksNode == nil {
		el.add(nodePos(root), `missing field "tracks" (a list of tracks, each with id, title and labs)`)
		return t
	}
	d.checkRequires(t)
	return t
}

func (d *tracksDecoder) tracks(n *yaml.Node) []*Track {
	if n.Kind != yaml.SequenceNode {
		d.el.add(nodePos(n), "tracks must be a list of tracks, not %s", describe(n))
		return nil
	}
	var out []*Track
	ids := map[string]bool{}
	for i, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			d.el.add(nodePos(item), "track %d must be a mapping with id, title and labs, not %s", i+1, describe(item))
			continue
		}
		tr := &Track{}
		name := fmt.Sprintf("track %d", i+1)
		var idNode, labsNode *yaml.Node
		for j := 0; j+1 < len(item.Content); j += 2 {
			key, val := item.Content[j], item.Content[j+1]
			switch key.Value {
			case "id":
				idNode = val
				tr.ID = d.str(val, name+": id")
				if tr.ID != "" {
					name = fmt.Sprintf("track %q", tr.ID)
				}
			case "title":
				tr.Title = d.str(val, name+": title")
			case "description":
				tr.Description = d.str(val, name+": description")
			case "labs":
				labsNode = val
			default:
				d.unknownKey(key, name, trackFields)
			}
		}
		switch {
		case idNode == nil:
			d.el.add(nodePos(item), `%s: missing field "id" (a short slug, as in id: sql)`, name)
		case tr.ID == "":
		case !slugRe.MatchString(tr.ID):
			d.el.add(nodePos(idNode), "track id %q must be a slug: lowercase letters, digits and single hyphens (as in sql-basics)", tr.ID)
		case ids[tr.ID]:
			d.el.add(nodePos(idNode), "duplicate track id %q", tr.ID)
		}
		ids[tr.ID] = true
		if tr.Title == "" && !hasKey(item, "title") {
			d.el.add(nodePos(item), `%s: missing field "title"`, name)
		}
		switch {
		case labsNode == nil:
			d.el.add(nodePos(item), `%s: missing field "labs" (the lab ids of the track, in order)`, name)
		case labsNode.Kind == yaml.SequenceNode && len(labsNode.Content) == 0:
			d.el.add(nodePos(labsNode), "%s has no labs; list at least one, or remove the track until its labs exist", name)
		default:
			tr.Labs = d.idList(labsNode, name)
		}
		out = append(out, tr)
	}
	if len(n.Content) == 0 {
		d.el.add(nodePos(n), "tracks is empty; list at least one track, or remove tracks.yaml")
	}
	return out
}

// hasKey reports whether mapping n has key.
func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

func (d *tracksDecoder) requires(n *yaml.Node, t *Tracks) {
	if n.Kind != yaml.MappingNode {
		d.el.add(nodePos(n), "requires must map a lab id to the lab ids to pass first, not %s", describe(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		id, ok := d.labID(key, "requires")
		if !ok {
			continue
		}
		if _, dup := t.Requires[id]; dup {
			d.el.add(nodePos(key), "requires: lab %q is listed twice", id)
			continue
		}
		d.at["requires "+id] = nodePos(key)
		t.Requires[id] = d.idList(val, "requires of "+id)
	}
}

// checkRequires reports prerequisite cycles, and a lab that requires a
// lab coming after it in the same track (the track's order would contradict
// the requirement).
func (d *tracksDecoder) checkRequires(t *Tracks) {
	for _, tr := range t.Tracks {
		for i, id := range tr.Labs {
			for _, req := range t.Requires[id] {
				if j := slices.Index(tr.Labs, req); j > i {
					d.el.add(d.at["requires "+id], "%s requires %s, which comes after it in track %q; put %s first", id, req, tr.ID, req)
				}
			}
		}
	}
	// Depth-first search; each cycle is reported once, at its first lab.
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(id string)
	visit = func(id string) {
		state[id] = active
		stack = append(stack, id)
		for _, req := range t.Requires[id] {
			switch state[req] {
			case active:
				cycle := append(slices.Clone(stack[slices.Index(stack, req):]), req)
				d.el.add(d.at["requires "+cycle[0]], "requires has a cycle: %s (no lab of it could ever be started)", strings.Join(cycle, " → "))
			case unseen:
				visit(req)
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
	}
	ids := make([]string, 0, len(t.Requires))
	for id := range t.Requires {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if state[id] == unseen {
			visit(id)
		}
	}
}
