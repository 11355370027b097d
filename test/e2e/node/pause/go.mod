module github.com/openclaw-fleet/e2e/pause

go 1.26.0
