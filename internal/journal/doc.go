// Package journal keeps the result of each graded submission of a batch
// on disk as soon as it is made, so that an interrupted `lab grade --out
// DIR` loses nothing and a rerun grades only what changed.
//
// The journal is the folder DIR/.lab-journal/<lab>/, one file per
// submission, written atomically (a temporary file in the same folder,
// fsync, rename, fsync of the folder): after a crash at any moment, a
// submission's file is either its previous one or its new one, whole.
// Each file holds the result under two keys: the hash of the submission's
// files (SubmissionKey) and the hash of the lab as graded (LabKey: its
// definition, fixtures, variants and reference, the grading settings and
// runner.GradingVersion). A result is reused only when both keys match
// and it is not an error; the gradebook files of DIR are regenerated from
// the journal at the end of every run.
package journal
