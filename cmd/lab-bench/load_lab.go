package main

import (
	"io/fs"

	"github.com/labrunner/labrunner/labs"
)

// loadLab loads lab id of fsys as the bench measures it: a lab offered in
// several languages in its first (default) one, as `lab start` without
// --lang gives it.
func loadLab(fsys fs.FS, id string) (*labs.Lab, error) {
	l, err := labs.Load(fsys, id)
	if err != nil {
		return nil, err
	}
	return l.ForLanguage("")
}
