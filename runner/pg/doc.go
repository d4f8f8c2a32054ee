// Package pg holds the lab databases on one Postgres service: a seeded
// template and a pristine reference copy per data set (the main data and
// each hidden variant), learner slots (a role and its working copies, see
// Lab), and the checks.SQL a grading run uses (SQL, inside a transaction
// that is rolled back). It needs only the service's address and knows no
// labs.
package pg
