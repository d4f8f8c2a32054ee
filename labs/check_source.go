package labs

import (
	"bytes"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// unrevealedKeys are the fields of a check kept in its Source when the
// check does not reveal its expected values: they say what is checked and
// against what, not the answer.
var unrevealedKeys = []string{"name", "type", "service", "points", "timeout", "needs", "reveal"}

// neverShownKeys are left out of every check's Source: expected_query and
// expected_shell are the reference solution itself, which reveal does not
// cover (reveal is about expected values), and the hint reaches learners
// with the result.
var neverShownKeys = []string{"expected_query", "expected_shell", "hint"}

// hiddenNote ends the Source of a check that does not reveal its
// expected values.
const hiddenNote = "# the rest of this check is hidden (reveal: false)"

// checkSource re-encodes the mapping node of a check as YAML, two spaces
// an indent, comments dropped. With reveal false, only unrevealedKeys are
// kept and hiddenNote ends the text; neverShownKeys are always left out,
// a comment naming each. A check of more than maxSourceNodes nodes, once
// its aliases are written out, gives "". A node that does not encode gives "".
func checkSource(n *yaml.Node, reveal bool) string {
	if n == nil || n.Kind != yaml.MappingNode {
		return ""
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	hidden := false
	var notes []string
	budget := maxSourceNodes
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if slices.Contains(neverShownKeys, k.Value) {
			if k.Value != "hint" {
				notes = append(notes, "# "+k.Value+": hidden")
			}
			continue
		}
		if !reveal && !slices.Contains(unrevealedKeys, k.Value) {
			hidden = true
			continue
		}
		bk, bv := bare(k, &budget), bare(v, &budget)
		if budget < 0 {
			return "" // an alias bomb: not worth showing
		}
		m.Content = append(m.Content, bk, bv)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return ""
	}
	if err := enc.Close(); err != nil {
		return ""
	}
	text := strings.TrimRight(buf.String(), "\n")
	for _, note := range notes {
		text += "\n" + note
	}
	if hidden {
		text += "\n" + hiddenNote
	}
	return text
}

// maxSourceNodes bounds the nodes of a check's Source, so that aliases
// written out cannot blow it up (a "billion laughs" lab.yaml).
const maxSourceNodes = 10000

// bare copies a node without its comments and anchors, recursively, with
// aliases written out: what the author wrote for other authors stays in
// lab.yaml. Each node copied takes one from budget; past zero, copying
// stops.
func bare(n *yaml.Node, budget *int) *yaml.Node {
	*budget--
	if *budget < 0 {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		// An alias is written out in full: its anchor may be outside the
		// check.
		return bare(n.Alias, budget)
	}
	c := *n
	c.HeadComment, c.LineComment, c.FootComment, c.Anchor = "", "", "", ""
	if len(n.Content) > 0 {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, ch := range n.Content {
			c.Content[i] = bare(ch, budget)
		}
	}
	return &c
}
