package runner

import (
	"context"
	"fmt"

	"github.com/labrunner/labrunner/labs"
)

// postgresState is the serviceState of a postgres service.
type postgresState struct {
	env  *LabEnv
	name string
	svc  *labs.Service
	lab  *pgLab
}

func newPostgresState(e *LabEnv, name string, svc *labs.Service) *postgresState {
	db := svc.Database
	if db == "" {
		db = labs.DefaultDatabase
	}
	var variants []string
	for _, v := range e.Lab.Variants {
		if variantService(e.Lab, v) == name {
			variants = append(variants, v.Name)
		}
	}
	st := &postgresState{env: e, name: name, svc: svc, lab: newPGLab(e.Session.Service(name), db, variants)}
	e.pg[name] = st.lab
	return st
}

func (st *postgresState) Seed(ctx context.Context) error {
	sets := map[string][]Fixture{}
	var err error
	if sets[""], err = st.env.readFixtures(st.svc.Fixtures); err != nil {
		return err
	}
	for _, v := range st.env.Lab.Variants {
		if variantService(st.env.Lab, v) != st.name {
			continue
		}
		if sets[v.Name], err = st.env.readFixtures(v.Fixtures); err != nil {
			return err
		}
	}
	return st.lab.Seed(ctx, sets, st.env.Session.Keep)
}

func (st *postgresState) Reset(ctx context.Context) error { return st.lab.Reset(ctx) }

func (st *postgresState) Apply(ctx context.Context, run *labRun, f *labs.SubmissionFile, content string, live bool) error {
	switch f.Apply {
	case labs.ApplyQuery:
		return nil // checks run the query themselves
	case labs.ApplySQL:
		if live {
			return nil // the learner ran it by hand
		}
		// On the run's connections: inside its transaction when it has one.
		return run.sql[st.name].Apply(ctx, f.File, content)
	}
	return fmt.Errorf("apply mode %q is not supported on a postgres service", f.Apply)
}
