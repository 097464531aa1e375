package linux

import (
	"os/exec"
	"testing"
)

func TestBinderCtlAddNumber(t *testing.T) {
	if binderCtlAdd != 0xc1086201 { // BINDER_CTL_ADD on every Linux arch with _IOWR in bits 30-31
		t.Fatalf("BINDER_CTL_ADD = %#x", binderCtlAdd)
	}
}

func TestPidfdWaitsForNonChildExit(t *testing.T) {
	cmd := exec.Command("sleep", "0.05")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep binary")
	}
	f, err := PidfdOpen(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	done := make(chan error, 1)
	go func() { done <- PidfdWait(f) }()
	_ = cmd.Wait()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestDeviceNumber(t *testing.T) {
	if ma, mi := DeviceNumber(Mkdev(13, 84)); ma != 13 || mi != 84 {
		t.Fatalf("got %d:%d", ma, mi)
	}
}

func TestNice(t *testing.T) {
	n, err := Nice()
	if err != nil || n < -20 || n > 19 {
		t.Fatalf("nice = %d, %v", n, err)
	}
	if err := SetNice(0, n); err != nil {
		t.Fatal(err)
	}
}
