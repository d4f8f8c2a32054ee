package runner

import (
	"context"
	"fmt"

	"github.com/labrunner/labrunner/labs"
)

// A box's hidden variants: a variant replaces the box's files copied to
// the same dst (and adds its others), and its fixtures, when it has any,
// replace the box's. LabEnv.Check grades each variant on its own run
// (check_variants.go): the box is recreated from the variant's data, the
// submission applied to it, and the checks marked on_variants run there.
// The box then holds the variant's data, so the next reset replaces it
// (a spare holds the lab's own data, never a variant's).

// beginVariant starts a run on opts.Variant's data: the box recreated
// with the variant's files and seeded with its fixtures.
func (st *boxState) beginVariant(ctx context.Context, opts runOptions) (serviceRun, error) {
	if opts.Live {
		return nil, fmt.Errorf("variant %q of %s: a live run grades the box as the learner left it, not a variant", opts.Variant.Name, st.name)
	}
	if err := st.resetVariant(ctx, opts.Variant); err != nil {
		return nil, err
	}
	return resetRun{apply: func(ctx context.Context, f *labs.SubmissionFile, content string) error {
		return st.apply(ctx, f, content, false)
	}}, nil
}

// resetVariant recreates the box with va's files and seeds it with va's
// fixtures (else the box's own).
func (st *boxState) resetVariant(ctx context.Context, va *labs.Variant) error {
	// From here on the box no longer holds the lab's own data.
	st.pristine = false
	spec, err := st.t.spec()
	if err != nil {
		return err
	}
	if spec.Files, err = readCopies(st.t.lab.FS(), variantCopies(st.svc.Files, va.Files)); err != nil {
		return fmt.Errorf("variant %q of %s: %w", va.Name, st.name, err)
	}
	st.probes.forget()
	if err := st.t.sess.Replace(ctx, spec); err != nil {
		return fmt.Errorf("reset %s to variant %q: %w", st.name, va.Name, err)
	}
	if svc, err := st.t.service(); err == nil {
		if err := st.readProbe(ctx, svc); err != nil {
			return err
		}
	}
	fixtures := st.svc.Fixtures
	if len(va.Fixtures) > 0 {
		fixtures = va.Fixtures
	}
	if err := st.seed(ctx, fixtures); err != nil {
		// A fixture error names the fixture, which the learner never
		// sees: the variant's own data is not in it.
		return fmt.Errorf("variant %q: %w", va.Name, err)
	}
	return nil
}

// variantCopies is the box's files with those of the variant: a variant's
// entry replaces the box's entry of the same dst, in its place; the
// variant's other entries come after, in order.
func variantCopies(box, variant []*labs.FileCopy) []*labs.FileCopy {
	byDst := map[string]*labs.FileCopy{}
	for _, f := range variant {
		byDst[f.Dst] = f
	}
	var out []*labs.FileCopy
	used := map[string]bool{}
	for _, f := range box {
		if v, ok := byDst[f.Dst]; ok {
			out = append(out, v)
			used[f.Dst] = true
			continue
		}
		out = append(out, f)
	}
	for _, f := range variant {
		if !used[f.Dst] {
			out = append(out, f)
		}
	}
	return out
}
