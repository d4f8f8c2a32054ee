#!/bin/sh
# find-first-bad.sh: run from the top folder of a repository like
# /srv/tracker, as the user learner. Print the full hash of the first
# commit on main where test.sh fails, and nothing else; leave the
# repository as you found it.
