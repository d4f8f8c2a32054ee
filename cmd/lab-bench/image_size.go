package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/labrunner/labrunner/images"
)

// imageBudget is the size every image of the set is held to, but the
// runtimes' (python, node, golang: a language's toolchain and drivers),
// in bytes: 200 MB as docker counts them.
const imageBudget = 200e6

// imageSizes reports the size of each image of the set, as `docker
// images` and `lab images list` show it (every layer counted, shared
// ones too), against the budget. The images must be present (make
// images).
func imageSizes() benchmark {
	var rows []row
	for _, img := range images.All() {
		note := img.Name + ":" + img.Tag() + "; reference: the 200 MB budget (191 MiB); target ≤ 200 MB (≤ 1.00×)"
		if img == images.Python || img == images.Node || img == images.Golang {
			note = img.Name + ":" + img.Tag() + "; reference: the 200 MB budget (191 MiB), which a runtime's image is exempt from"
		}
		rows = append(rows, row{op: "image size " + img.Name, unit: unitBytes, note: note})
	}
	return benchmark{
		name:    "image-size",
		rows:    rows,
		maxRuns: 1,
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			var sizes []float64
			for _, img := range images.All() {
				ref := img.Ref(e.cfg.Registry)
				size, ok, err := images.Size(ctx, e.d.Client(), ref)
				if err != nil {
					return nil, err
				}
				if !ok {
					return nil, fmt.Errorf("%s is not present (make images)", ref)
				}
				sizes = append(sizes, float64(size))
			}
			return sizes, nil
		},
		reference: func(ctx context.Context, e *env) ([]float64, error) {
			return slices.Repeat([]float64{imageBudget}, len(images.All())), nil
		},
	}
}
