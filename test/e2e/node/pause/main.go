// Command pause is the sandbox ("pause") container of the suite's real node: it holds the pod's
// namespaces, reaps orphans, and exits on SIGINT or SIGTERM. Kubernetes' own is a C program in an
// image on a registry this machine cannot reach; this is the same behaviour, built static with the
// rest of the node.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			if pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil); pid <= 0 || err != nil {
				break
			}
		}
	}
}
