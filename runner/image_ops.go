package runner

import (
	"context"
	"strings"

	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

// ImageRow is one kind's image, for `lab images list`.
type ImageRow struct {
	Kind    Kind   `json:"kind"`
	Name    string `json:"name"`
	Ref     string `json:"ref"`
	Tag     string `json:"tag"`
	HandSet bool   `json:"hand_set"`
	Present bool   `json:"present"`
	Size    int64  `json:"size"`
}

// ImageRows lists the image of every kind and whether it is present.
func (d *Driver) ImageRows(ctx context.Context) ([]ImageRow, error) {
	var rows []ImageRow
	for _, kind := range imageKinds() {
		ref := d.cfg.Image(kind)
		row := ImageRow{Kind: kind, Ref: ref, HandSet: d.cfg.HandSet(kind)}
		if w := d.cfg.want(kind, ref); w.Image != nil {
			row.Name, row.Tag = w.Image.Name, w.Image.Tag()
		} else if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
			row.Name, row.Tag = ref[:i], ref[i+1:]
		} else {
			row.Name = ref
		}
		size, ok, err := images.Size(ctx, d.Client(), ref)
		if err != nil {
			return nil, &EnvError{Err: err}
		}
		row.Present, row.Size = ok, size
		rows = append(rows, row)
	}
	return rows, nil
}

// kindSpecs are specs of one service of each kind, for image work.
func (d *Driver) kindSpecs(kinds []Kind) ([]engine.ServiceSpec, error) {
	var specs []engine.ServiceSpec
	for _, k := range kinds {
		if lang, ok := strings.CutPrefix(k, labs.KindRuntime+"-"); ok && runtimeLangs[lang].tool != "" {
			spec, err := d.Spec(k, labs.KindRuntime, "")
			if err != nil {
				return nil, err
			}
			spec, err = d.langSpec(spec, &labs.Service{Kind: labs.KindRuntime, Language: lang})
			if err != nil {
				return nil, err
			}
			specs = append(specs, spec)
			continue
		}
		spec, err := d.Spec(k, k, "")
		if err != nil {
			return nil, err
		}
		specs = append(specs, spec)
	}
	return specs, nil
}

// LabImageSpecs are the specs of lab's services, for fetching its images.
// A multi-language lab as loaded (not a language's view) needs the
// runtime image of each of its languages: the learner picks one later.
func (d *Driver) LabImageSpecs(lab *labs.Lab) ([]engine.ServiceSpec, error) {
	var specs []engine.ServiceSpec
	for _, name := range serviceNames(lab) {
		svc := lab.Services[name]
		defs := []*labs.Service{svc}
		if svc.Kind == labs.KindRuntime && lab.MultiLanguage() && lab.Language == "" {
			defs = nil
			for _, lang := range lab.Languages {
				c := *svc
				c.Language = lang
				defs = append(defs, &c)
			}
		}
		for _, def := range defs {
			spec, err := d.serviceSpec(name, def)
			if err != nil {
				return nil, err
			}
			specs = append(specs, spec)
		}
	}
	return specs, nil
}

// PullImages makes the images of kinds present (every kind when none),
// as EnsureImages does.
func (d *Driver) PullImages(ctx context.Context, kinds ...Kind) error {
	if len(kinds) == 0 {
		kinds = imageKinds()
	}
	specs, err := d.kindSpecs(kinds)
	if err != nil {
		return err
	}
	return d.EnsureImages(ctx, specs...)
}

// BuildImages builds labrunner's images of kinds (every kind when none)
// from their embedded contexts, whether present or not; the engine's
// build cache makes an unchanged image take seconds. Kinds whose image
// was set by hand are skipped and returned.
func (d *Driver) BuildImages(ctx context.Context, kinds ...Kind) (skipped []Kind, err error) {
	if len(kinds) == 0 {
		kinds = imageKinds()
	}
	var wants []images.Want
	for _, k := range kinds {
		if _, ok := setImage(k); !ok {
			if _, err := lookupKind(k); err != nil {
				return nil, err
			}
		}
		w := d.cfg.want(k, d.cfg.Image(k))
		if w.Image == nil {
			skipped = append(skipped, k)
			continue
		}
		wants = append(wants, w)
	}
	f := &images.Fetcher{Client: d.Client(), Policy: d.cfg.Pull, Progress: d.cfg.Progress, BuildOnly: true}
	if err := f.Ensure(ctx, wants); err != nil {
		return skipped, &EnvError{Err: err}
	}
	return skipped, nil
}

// PushImages pushes labrunner's images (fetched first where missing) to
// registry, under the names and tags they are pulled by: registry/name:tag.
// Kinds whose image was set by hand are not pushed.
func (d *Driver) PushImages(ctx context.Context, registry string) ([]string, error) {
	if err := d.PullImages(ctx); err != nil {
		return nil, err
	}
	var pushed []string
	for _, k := range imageKinds() {
		if d.cfg.HandSet(k) {
			continue
		}
		img, _ := setImage(k)
		target := img.Ref(registry)
		if err := images.Push(ctx, d.Client(), d.cfg.Image(k), target, d.cfg.Progress); err != nil {
			return pushed, &EnvError{Err: err}
		}
		pushed = append(pushed, target)
	}
	return pushed, nil
}

// SaveImages writes the image of every kind (fetched first where
// missing) to file, one tarball for `lab images load` on a machine
// without a registry.
func (d *Driver) SaveImages(ctx context.Context, file string) ([]string, int64, error) {
	if err := d.PullImages(ctx); err != nil {
		return nil, 0, err
	}
	var refs []string
	for _, k := range imageKinds() {
		refs = append(refs, d.cfg.Image(k))
	}
	n, err := images.Save(ctx, d.Client(), refs, file)
	if err != nil {
		return nil, 0, &EnvError{Err: err}
	}
	return refs, n, nil
}

// LoadImages loads a tarball of SaveImages and returns the images it held.
func (d *Driver) LoadImages(ctx context.Context, file string) ([]string, error) {
	loaded, err := images.Load(ctx, d.Client(), file)
	if err != nil {
		return loaded, &EnvError{Err: err}
	}
	return loaded, nil
}

// PruneImages removes the local images of labrunner's set, under the
// configured registry, that an earlier lab left: tags that are not the
// set's current ones. It returns what it removed.
func (d *Driver) PruneImages(ctx context.Context) ([]string, error) {
	stale, err := images.Stale(ctx, d.Client(), d.cfg.Registry)
	if err != nil {
		return nil, &EnvError{Err: err}
	}
	removed, err := images.Remove(ctx, d.Client(), stale)
	if err != nil {
		return removed, &EnvError{Err: err}
	}
	return removed, nil
}
