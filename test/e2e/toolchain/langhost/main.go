// Command pulumi-language-nodejs is the Pulumi engine's language plugin for
// Node.js programs, as the end-to-end suite builds it.
//
// The upstream host lives in its own Go module, which the module proxy this
// project builds from does not serve (see docs/e2e.md). This one implements
// what the engine asks of a Node.js host when it runs this repository: run
// the program through the `cmd/run` script of the program's own
// @pulumi/pulumi, run policy packs through `cmd/run-policy-pack`, and report
// the resource plugins that node_modules asks for. Anything else is answered
// with codes.Unimplemented, which the engine treats as "not supported".
package main

import (
	"flag"
	"fmt"
	"os"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is set by the toolchain build (-ldflags -X main.version=...).
var version = "0.0.0-dev"

func main() {
	// The engine passes -root=<dir> and, with --tracing, -tracing=<url>; the
	// last positional argument is the engine's own gRPC address.
	flag.String("root", "", "project root (unused: the handshake carries it)")
	flag.String("tracing", "", "tracing endpoint (unused)")
	flag.Parse()
	engineAddress := ""
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	host := newHost(engineAddress)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: cannot serve: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: stopped serving: %v\n", err)
		os.Exit(1)
	}
}
