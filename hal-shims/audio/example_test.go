package audioshim_test

import (
	"fmt"

	"droidplex/audioproxy/wire"
	audioshim "droidplex/hal-shims/audio"
)

// A container's audio HAL opens a media stream on its container's socket,
// writes 20 ms buffers (each Write blocks for about as long as the audio
// plays) and reports where playback is.
func Example() {
	s, err := audioshim.Open(audioshim.Config{
		Path:       "/run/droidplex/personal/audio",
		Usage:      wire.UsageMedia,
		Params:     wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16},
		PeriodHint: 960,
	})
	if err != nil {
		fmt.Println("no audio server:", err)
		return
	}
	defer s.Close()
	buf := make([]byte, 960*4) // 20 ms of silence
	for range 50 {
		s.Write(buf)
	}
	s.Standby()
	frames, monoNs := s.PresentationPosition()
	fmt.Println(frames, monoNs)
}
