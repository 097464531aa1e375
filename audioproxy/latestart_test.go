package audioproxy

import (
	"testing"
	"time"

	"droidplex/audioproxy/sink"
)

// A device that starts consuming a second late (PulseAudio's idle null sink
// does) does not make the shim give up on the server: the writer waits, the
// stream is never reopened, and then plays.
func TestLateDeviceStartKeepsTheStream(t *testing.T) {
	eng := newTestEngine(t, 4)
	ts := &testServer{eng: eng, dir: shortDir(t), sock: map[string]string{}}
	ts.listen(t)
	snk, err := sink.NewNull(sink.Config{Params: testDev.Params, Period: testDev.Period})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ts.srv.Close()
		snk.Close()
	})
	st, err := ts.open(t, "personal")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	started := make(chan error, 1)
	go func() {
		time.Sleep(time.Second) // longer than the 500 ms stall rule
		started <- snk.Start(eng.Process)
	}()
	k := 0
	for range 40 { // 40 × 20 ms: more than the ring holds, so Write must wait
		if _, err := st.Write(tone(440, 0.5, 960, &k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-started; err != nil {
		t.Fatal(err)
	}
	if n := st.Reconnects(); n != 0 {
		t.Fatalf("the stream was reopened %d times while the device had not started", n)
	}
	if pos, _ := st.PresentationPosition(); pos == 0 {
		t.Fatal("nothing was played once the device started")
	}
}
