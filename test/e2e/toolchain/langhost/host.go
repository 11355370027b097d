package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// exitAfterReportedError is the exit code with which @pulumi/pulumi's run
// scripts say "the error was already shown to the user": the engine is then
// told to bail without adding a message of its own.
const exitAfterReportedError = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	running       map[*exec.Cmd]struct{}
}

func newHost(engineAddress string) *host {
	return &host{engineAddress: engineAddress, running: map[*exec.Cmd]struct{}{}}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	packages, err := requiredPackages(req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, status.Errorf(codes.Internal, "reading node_modules: %v", err)
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	packages, err := requiredPackages(req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, status.Errorf(codes.Internal, "reading node_modules: %v", err)
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(packages))
	for _, p := range packages {
		plugins = append(plugins, &pulumirpc.PluginDependency{Name: p.GetName(), Kind: p.GetKind(), Version: p.GetVersion(), Server: p.GetServer()})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// InstallDependencies is a no-op: the project's dependencies are installed by
// `npm ci` before any Pulumi command runs, and the policy pack shares them.
func (h *host) InstallDependencies(_ *pulumirpc.InstallDependenciesRequest, stream pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	return stream.Send(&pulumirpc.InstallDependenciesResponse{Stdout: []byte("dependencies are installed by npm ci\n")})
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	options := runtimeOptionsOf(info)
	runScript, err := resolveModule(req.GetPwd(), "@pulumi/pulumi/cmd/run")
	if err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "@pulumi/pulumi is not installed in %s (run npm ci): %v", req.GetPwd(), err)
	}

	args := append(options.nodeArgs(), runScript)
	flagIfSet := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagIfSet("monitor", req.GetMonitorAddress())
	flagIfSet("engine", h.currentEngineAddress())
	flagIfSet("organization", req.GetOrganization())
	flagIfSet("project", req.GetProject())
	flagIfSet("stack", req.GetStack())
	flagIfSet("pwd", req.GetPwd())
	flagIfSet("root-directory", info.GetRootDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		flagIfSet("parallel", fmt.Sprint(req.GetParallel()))
	}
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, status.Errorf(codes.Internal, "config: %v", err)
	}
	secretKeys, err := json.Marshal(req.GetConfigSecretKeys())
	if err != nil {
		return nil, status.Errorf(codes.Internal, "config secret keys: %v", err)
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
	)
	env = append(env, options.env()...)

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	code, err := h.runToExit(cmd)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "could not run node: %v", err)
	}
	switch code {
	case 0:
		return &pulumirpc.RunResponse{}, nil
	case exitAfterReportedError:
		return &pulumirpc.RunResponse{Bail: true}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
	}
}

// RunPlugin runs a Node.js policy pack for the engine's analyzer. The engine
// reads the plugin's gRPC port from the first line of its stdout, so the
// output is streamed back as it comes.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, stream pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != "analyzer" {
		return status.Errorf(codes.Unimplemented, "this language host runs policy packs only, not %q plugins", req.GetKind())
	}
	dir := req.GetInfo().GetProgramDirectory()
	runScript, err := resolveModule(dir, "@pulumi/pulumi/cmd/run-policy-pack")
	if err != nil {
		return status.Errorf(codes.FailedPrecondition, "@pulumi/pulumi is not installed for the policy pack in %s: %v", dir, err)
	}
	args := append(runtimeOptionsOf(req.GetInfo()).nodeArgs(), runScript)
	args = append(args, req.GetArgs()...)
	args = append(args, ".")
	cmd := exec.CommandContext(stream.Context(), "node", args...)
	cmd.Dir = dir
	cmd.Env = req.GetEnv()
	cmd.Stdout = streamWriter{send: func(b []byte) error {
		return stream.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	}}
	cmd.Stderr = streamWriter{send: func(b []byte) error {
		return stream.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	}}
	code, err := h.runToExit(cmd)
	if err != nil {
		return status.Errorf(codes.Internal, "could not run node: %v", err)
	}
	return stream.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

// Cancel stops every process this host started, by process group.
func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for cmd := range h.running {
		if cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		}
	}
	return &emptypb.Empty{}, nil
}

func (h *host) currentEngineAddress() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

// runToExit runs cmd in its own process group and returns its exit code; an
// error means it could not be started at all.
func (h *host) runToExit(cmd *exec.Cmd) (int, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	h.mu.Lock()
	h.running[cmd] = struct{}{}
	h.mu.Unlock()
	err := cmd.Wait()
	h.mu.Lock()
	delete(h.running, cmd)
	h.mu.Unlock()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, err
}

// resolveModule asks node where a module resolves from dir, exactly as the
// program's own require would.
func resolveModule(dir, module string) (string, error) {
	cmd := exec.Command("node", "-e", "process.stdout.write(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return "", fmt.Errorf("%s", strings.TrimSpace(string(exit.Stderr)))
		}
		return "", err
	}
	return string(out), nil
}

type streamWriter struct{ send func([]byte) error }

func (w streamWriter) Write(b []byte) (int, error) {
	chunk := append([]byte(nil), b...)
	if err := w.send(chunk); err != nil {
		return 0, err
	}
	return len(b), nil
}
