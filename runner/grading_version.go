package runner

// GradingVersion names the grading semantics of this labrunner: how
// submissions are applied and checks decide. It is part of the key under
// which `lab grade --out` keeps each result (internal/journal), so a
// result graded under other semantics is never reused. Bump it with any
// change that can turn a grade: a check type that decides differently, a
// new default, another service image, a fix in how files are applied.
const GradingVersion = 1
