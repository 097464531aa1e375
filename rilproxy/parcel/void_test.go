package parcel

import "testing"

func TestVoidRequest(t *testing.T) {
	for id, want := range map[ReqID]bool{
		ReqGetCurrentCalls: true, ReqQueryClip: true, ReqGetImei: true,
		ReqDial: false, ReqHangup: false, ReqResponseAcknowledgement: false, 4242: false,
	} {
		if got := id.VoidRequest(); got != want {
			t.Errorf("%v.VoidRequest() = %v", id, got)
		}
		if id.VoidRequest() {
			if _, err := DecodeRequest(id, []byte{1, 2, 3}); err != nil {
				t.Errorf("%v with trailing bytes: %v", id, err)
			}
		}
	}
}
