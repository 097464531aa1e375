package audioproxy

import (
	"log/slog"
	"testing"

	"droidplex/internal/testutil"
)

func discardLogger(t *testing.T) *slog.Logger { return testutil.Logger(t) }
