#!/bin/sh
# A CLI that never answers (and leaves a child behind).
sleep 300 &
sleep 300
