// Command kstatus prints what the kstatus library (sigs.k8s.io/cli-utils/pkg/kstatus/status), the one
// Flux, kpt, Config Sync and `kubectl apply --prune` style tools read status with, makes of Kubernetes objects.
//
//	kstatus FILE...     one line per object in the YAML or JSON files (multi-document YAML, or a List):
//	                    KIND NAMESPACE/NAME <tab> STATUS <tab> MESSAGE
//	kstatus --version   the checker's source stamp and the cli-utils version it was built with
//
// STATUS is kstatus's own word (InProgress, Failed, Current, Terminating, NotFound, Unknown); tabs and line
// breaks in a message are written as spaces. Exit status 1 when a file cannot be read or an object cannot be
// judged (the line then says Error), 2 on a bad invocation.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	sigsyaml "sigs.k8s.io/yaml"
)

// stamp is set by hack/build-kstatus.sh to a hash of this module's files, so a changed checker is rebuilt.
var stamp = "dev"

func main() {
	args := os.Args[1:]
	if len(args) == 1 && args[0] == "--version" {
		fmt.Printf("kstatus-check %s cli-utils %s\n", stamp, moduleVersion("sigs.k8s.io/cli-utils"))
		return
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(os.Stderr, "usage: kstatus FILE... (YAML or JSON Kubernetes objects) | kstatus --version")
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	failed := false
	for _, file := range args {
		if err := check(file, out); err != nil {
			fmt.Fprintf(os.Stderr, "kstatus: %s: %v\n", file, err)
			failed = true
		}
	}
	out.Flush()
	if failed {
		os.Exit(1)
	}
}

// check prints a line for each object of one file; an object kstatus cannot judge is an error.
func check(file string, out io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	// Each document as the API machinery reads an object (whole numbers as int64, as kstatus expects them).
	reader := yaml.NewYAMLReader(bufio.NewReader(f))
	var problems []error
	for {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		data, err := sigsyaml.YAMLToJSON(document)
		if err != nil {
			return err
		}
		if trimmed := bytes.TrimSpace(data); len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
			continue // an empty document, e.g. only comments
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(data); err != nil {
			return err
		}
		if u.IsList() {
			list, err := u.ToList()
			if err != nil {
				return err
			}
			for i := range list.Items {
				problems = append(problems, judge(&list.Items[i], out))
			}
			continue
		}
		problems = append(problems, judge(u, out))
	}
	return errors.Join(problems...)
}

func judge(u *unstructured.Unstructured, out io.Writer) error {
	name := u.GetName()
	if u.GetNamespace() != "" {
		name = u.GetNamespace() + "/" + name
	}
	result, err := status.Compute(u)
	if err != nil {
		fmt.Fprintf(out, "%s %s\tError\t%s\n", u.GetKind(), name, oneLine(err.Error()))
		return fmt.Errorf("%s %s: %w", u.GetKind(), name, err)
	}
	fmt.Fprintf(out, "%s %s\t%s\t%s\n", u.GetKind(), name, result.Status, oneLine(result.Message))
	return nil
}

func oneLine(s string) string {
	return strings.NewReplacer("\t", " ", "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

func moduleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == path {
				if dep.Replace != nil {
					return dep.Replace.Version
				}
				return dep.Version
			}
		}
	}
	return "unknown"
}
