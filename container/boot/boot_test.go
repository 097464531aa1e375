package boot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"droidplex/container/wire"
	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestOrder(t *testing.T) {
	for _, tc := range []struct {
		list []wire.ContainerInfo
		want []string
	}{
		{nil, nil},
		{[]wire.ContainerInfo{{Name: "a"}, {Name: "b"}}, nil},
		{[]wire.ContainerInfo{{Name: "a", Autostart: true}, {Name: "b", Autostart: true, Foreground: true}, {Name: "c"}, {Name: "d", Autostart: true}},
			[]string{"b", "a", "d"}},
	} {
		if got := Order(tc.list); !slices.Equal(got, tc.want) {
			t.Errorf("Order(%+v) = %q, want %q", tc.list, got, tc.want)
		}
	}
}

// fakeAPI records calls; it becomes ready after notReady polls.
type fakeAPI struct {
	notReady int
	calls    []string
	fail     string
}

func (f *fakeAPI) Status(context.Context) (wire.Status, error) {
	if f.notReady > 0 {
		f.notReady--
		return wire.Status{}, errors.New("connect: no such file or directory")
	}
	return wire.Status{Ready: true}, nil
}

func (f *fakeAPI) List(context.Context) ([]wire.ContainerInfo, error) {
	return []wire.ContainerInfo{{Name: "work", Autostart: true}, {Name: "personal", Autostart: true, Foreground: true}, {Name: "spare"}}, nil
}

func (f *fakeAPI) Ensure(_ context.Context, name string) (wire.EnsureResult, error) {
	f.calls = append(f.calls, "ensure "+name)
	if name == f.fail {
		return wire.EnsureResult{Container: name}, errors.New("broken")
	}
	return wire.EnsureResult{Container: name, State: wire.StateRunning}, nil
}

func (f *fakeAPI) SetForeground(_ context.Context, name string) error {
	f.calls = append(f.calls, "foreground "+name)
	return nil
}

func TestAutostartWaitsThenForegroundFirst(t *testing.T) {
	f := &fakeAPI{notReady: 3}
	var reports []string
	err := Autostart(context.Background(), f, func(r wire.EnsureResult, err error) {
		reports = append(reports, fmt.Sprintf("%s %v", r.Container, err))
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ensure personal", "foreground personal", "ensure work"}; !slices.Equal(f.calls, want) {
		t.Fatalf("calls %q, want %q", f.calls, want)
	}
	if f.notReady != 0 || len(reports) != 2 {
		t.Fatalf("notReady=%d reports=%q", f.notReady, reports)
	}
}

func TestAutostartGoesOnAfterFailure(t *testing.T) {
	f := &fakeAPI{fail: "personal"}
	err := Autostart(context.Background(), f, func(wire.EnsureResult, error) {})
	if err == nil || err.Error() != "personal: broken" {
		t.Fatalf("err = %v", err)
	}
	if want := []string{"ensure personal", "ensure work"}; !slices.Equal(f.calls, want) {
		t.Fatalf("calls %q", f.calls)
	}
}

func TestWaitReadyGivesUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WaitReady(ctx, &fakeAPI{notReady: 1 << 30}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
