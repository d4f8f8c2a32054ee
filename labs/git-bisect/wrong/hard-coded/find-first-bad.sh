#!/bin/sh
# Wrong: the answer for /srv/tracker, found once by hand and typed in.
echo eceff7221f43b76eb24660636c5246dc2eaa66c8
