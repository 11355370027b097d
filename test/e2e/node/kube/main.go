// Command kubenode is the real node's Kubernetes half for the end-to-end suite: the kubelet
// and kube-proxy, chosen by the name it is called by (the node recipe links each name to it).
// A module apart from ../../toolchain/kube so that building the node never changes the control
// plane's cache key; the Go build cache still shares every package the two have in common.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

func main() {
	switch name := filepath.Base(os.Args[0]); name {
	case "kubelet":
		os.Exit(cli.Run(kubelet.NewKubeletCommand(context.Background())))
	case "kube-proxy":
		os.Exit(cli.Run(proxy.NewProxyCommand()))
	default:
		fmt.Fprintf(os.Stderr, "%s: call me as kubelet or kube-proxy\n", name)
		os.Exit(2)
	}
}
