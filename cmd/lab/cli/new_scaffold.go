package cli

import (
	"embed"
	"io/fs"
)

// scaffolds are the labs `lab new --kind K` writes, one folder per kind
// (scaffolds/<kind>/). Each is a complete lab with a small task of its
// own, so that lab validate and lab test accept it as it is, and TODO
// comments where the author writes; its lab.yaml says `id: __LAB_ID__`,
// which lab new replaces with the new folder's name.
//
//go:embed scaffolds
var scaffolds embed.FS

// scaffoldID is the id in a scaffold's lab.yaml.
const scaffoldID = "__LAB_ID__"

// scaffoldKinds are the kinds `lab new --kind` scaffolds, in the order
// help lists them.
func scaffoldKinds() []string { return []string{"postgres", "redis", "nginx", "box", "runtime"} }

// scaffold returns the files of kind's scaffold.
func scaffold(kind string) fs.FS {
	sub, err := fs.Sub(scaffolds, "scaffolds/"+kind)
	if err != nil {
		panic(err) // fs.Sub fails only on an invalid path
	}
	return sub
}
