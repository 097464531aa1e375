package audioproxy

import (
	"log/slog"
	"testing"

	"droidplex/internal/testutil"
)

func discardLogger(t *testing.T) *slog.Logger { return testutil.Logger(t) }

func discardLoggerTB(tb testing.TB) *slog.Logger {
	return slog.New(slog.DiscardHandler)
}
