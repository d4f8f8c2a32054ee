package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// maxSubmissionFile bounds what is read of one submission file; a larger
// file is graded as missing, with a message saying why.
const maxSubmissionFile = 1 << 20

// sources says where each submission's files are: for each submission
// name, the path of each of its files (by the lab's file name) as the
// user named it, with forward slashes — what GitHub annotations need.
type sources map[string]map[string]string

// readSubmissions reads path as one submission (a single file, or a folder
// holding the lab's submission files) or as a folder of submissions (one
// subfolder per student), and says where their files are. notes collects
// what the learner-facing output should mention (an ignored lab.yaml, an
// oversized file).
func readSubmissions(lab *labs.Lab, path string, notes io.Writer) ([]runner.Entry, sources, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, &UsageError{Err: fmt.Errorf("read submissions: %w", err)}
	}
	names := submissionNames(lab)
	src := sources{}
	where := func(name, dir string) {
		m := map[string]string{}
		for _, n := range names {
			m[n] = filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(n)))
		}
		src[name] = m
	}
	if !info.IsDir() {
		if len(names) != 1 {
			return nil, nil, &UsageError{Err: fmt.Errorf("%s is a file, but lab %s takes %d files (%s); pass a folder", path, lab.ID, len(names), strings.Join(names, ", "))}
		}
		content, note := readCapped(path)
		if note != "" {
			fmt.Fprintf(notes, "note: %s\n", note)
		}
		sub := runner.Submission{}
		if note == "" {
			sub[names[0]] = content
		}
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		src[name] = map[string]string{names[0]: filepath.ToSlash(path)}
		return []runner.Entry{{Name: name, Files: sub}}, src, nil
	}
	if holdsAny(path, names) {
		e := readFolder(path, names, notes)
		where(e.Name, path)
		return []runner.Entry{e}, src, nil
	}
	dirents, err := os.ReadDir(path)
	if err != nil {
		return nil, nil, err
	}
	var entries []runner.Entry
	for _, de := range dirents {
		if !de.IsDir() || strings.HasPrefix(de.Name(), ".") {
			continue
		}
		dir := filepath.Join(path, de.Name())
		entries = append(entries, readFolder(dir, names, notes))
		where(de.Name(), dir)
	}
	if len(entries) == 0 {
		return nil, nil, &UsageError{Err: fmt.Errorf("%s holds none of the lab's files (%s) and no submission folders", path, strings.Join(names, ", "))}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries, src, nil
}

func holdsAny(dir string, names []string) bool {
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(n))); err == nil {
			return true
		}
	}
	return false
}

// readFolder reads one submission folder. Lab definitions never come from a
// submission: a lab.yaml in it is ignored, and said so.
func readFolder(dir string, names []string, notes io.Writer) runner.Entry {
	e := runner.Entry{Name: folderBase(dir), Files: runner.Submission{}}
	if _, err := os.Stat(filepath.Join(dir, labs.FileName)); err == nil {
		fmt.Fprintf(notes, "note: %s: its lab.yaml is ignored; lab definitions come from the catalog\n", e.Name)
	}
	for _, n := range names {
		content, note := readCapped(filepath.Join(dir, filepath.FromSlash(n)))
		if note != "" {
			if !strings.Contains(note, "no such file") {
				fmt.Fprintf(notes, "note: %s: %s\n", e.Name, note)
			}
			continue
		}
		e.Files[n] = content
	}
	return e
}

// readCapped reads a submission file, refusing one over the size limit
// without reading it all.
func readCapped(path string) (string, string) {
	f, err := os.Open(path)
	if err != nil {
		return "", err.Error()
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSubmissionFile+1))
	if err != nil {
		return "", err.Error()
	}
	if len(b) > maxSubmissionFile {
		return "", fmt.Sprintf("%s is larger than %d KiB and is not graded", filepath.Base(path), maxSubmissionFile>>10)
	}
	return string(b), ""
}

// shard keeps the entries of shard i of n (1-based): sorted by name, every
// n-th from the i-th, so that a CI matrix splits a class deterministically.
func shard(entries []runner.Entry, spec string) ([]runner.Entry, error) {
	if spec == "" {
		return entries, nil
	}
	i, n, err := parseShard(spec)
	if err != nil {
		return nil, err
	}
	sorted := append([]runner.Entry(nil), entries...)
	sort.Slice(sorted, func(a, b int) bool { return sorted[a].Name < sorted[b].Name })
	var out []runner.Entry
	for k, e := range sorted {
		if k%n == i-1 {
			out = append(out, e)
		}
	}
	return out, nil
}

func parseShard(spec string) (int, int, error) {
	a, b, ok := strings.Cut(spec, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, &UsageError{Err: fmt.Errorf("--shard %q: want i/n with 1 ≤ i ≤ n, e.g. 2/4", spec)}
	}
	return i, n, nil
}

// folderBase names a submission after its folder: "." and ".." by the
// folder they stand for.
func folderBase(dir string) string {
	if base := filepath.Base(dir); base != "." && base != ".." && base != string(filepath.Separator) {
		return base
	}
	if abs, err := filepath.Abs(dir); err == nil && filepath.Base(abs) != string(filepath.Separator) {
		return filepath.Base(abs)
	}
	return "submission"
}
