//! deploy/kubernetes: well-formed objects, a DaemonSet with the privileges it needs and no more,
//! and a command line the real CLI accepts.

use std::path::{Path, PathBuf};

use clap::Parser;
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/kubernetes")
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(dir().join(name)).unwrap();
    avexclude::yaml::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn objects() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".yaml") && name != "kustomization.yaml" {
            out.push((name.clone(), load(&name)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_manifest_is_a_well_formed_kubernetes_object() {
    let objs = objects();
    let kinds: Vec<&str> = objs
        .iter()
        .map(|(_, o)| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["DaemonSet", "Namespace", "ServiceAccount"]);
    for (name, o) in &objs {
        let api = o["apiVersion"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: apiVersion"));
        let kind = o["kind"].as_str().unwrap();
        let want_api = match kind {
            "DaemonSet" => "apps/v1",
            _ => "v1",
        };
        assert_eq!(api, want_api, "{name}");
        let md = &o["metadata"];
        let n = md["name"].as_str().unwrap();
        assert!(
            !n.is_empty()
                && n.len() <= 63
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{name}: metadata.name must be a DNS label"
        );
        if kind != "Namespace" {
            assert_eq!(md["namespace"], "avexclude", "{name}");
        }
        assert_eq!(
            md["labels"]["app.kubernetes.io/name"], "avexclude",
            "{name}"
        );
    }
    // kustomization lists exactly these files.
    let k = load("kustomization.yaml");
    let mut res: Vec<String> = k["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    res.sort();
    let mut files: Vec<String> = objs.iter().map(|(n, _)| n.clone()).collect();
    files.sort();
    assert_eq!(res, files);
    // The namespace admits the privileged pod; the service account mounts no token.
    let ns = load("namespace.yaml");
    assert_eq!(
        ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "privileged"
    );
    assert_eq!(
        load("serviceaccount.yaml")["automountServiceAccountToken"],
        false
    );
}

/// `123m`, `1`, `32Mi`, `1Gi` → a comparable number.
fn quantity(v: &Value) -> f64 {
    let s = v
        .as_str()
        .map(String::from)
        .unwrap_or_else(|| v.to_string());
    for (suf, mul) in [
        ("Ki", 1024.0),
        ("Mi", 1024.0 * 1024.0),
        ("Gi", 1024.0 * 1024.0 * 1024.0),
        ("m", 0.001),
    ] {
        if let Some(n) = s.strip_suffix(suf) {
            return n.parse::<f64>().unwrap() * mul;
        }
    }
    s.parse().unwrap()
}

#[test]
fn daemonset_runs_check_on_the_host_root_read_only_with_tight_privileges() {
    let ds = load("daemonset.yaml");
    let spec = &ds["spec"];
    let pod = &spec["template"]["spec"];
    // Selector matches the template.
    for (k, v) in spec["selector"]["matchLabels"].as_object().unwrap() {
        assert_eq!(&spec["template"]["metadata"]["labels"][k], v);
    }
    assert_eq!(pod["hostPID"], true);
    assert_eq!(
        pod["hostNetwork"], true,
        "listening ports of the host need its network namespace"
    );
    assert_ne!(pod["hostIPC"], true);
    assert_eq!(pod["automountServiceAccountToken"], false);
    assert_eq!(
        pod["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    assert_eq!(
        pod["tolerations"][0]["operator"], "Exists",
        "runs on every node"
    );

    let volumes = pod["volumes"].as_array().unwrap();
    let vol = |name: &str| volumes.iter().find(|v| v["name"] == name).unwrap().clone();
    let containers = pod["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 1);
    let c = &containers[0];

    // The host root at /host, read-only.
    let mounts = c["volumeMounts"].as_array().unwrap();
    let host_mount = mounts.iter().find(|m| m["mountPath"] == "/host").unwrap();
    assert_eq!(host_mount["readOnly"], true);
    let host_vol = vol(host_mount["name"].as_str().unwrap());
    assert_eq!(host_vol["hostPath"]["path"], "/");
    // Every other hostPath is a narrow directory of its own, never / or a parent of system dirs.
    for m in mounts {
        let v = vol(m["name"].as_str().unwrap());
        if let Some(p) = v["hostPath"]["path"].as_str()
            && m["mountPath"] != "/host"
        {
            assert!(
                p.starts_with("/var/lib/") && p.matches('/').count() >= 3,
                "writable hostPath {p}"
            );
        }
    }

    let sc = &c["securityContext"];
    assert_eq!(sc["readOnlyRootFilesystem"], true);
    assert_eq!(sc["allowPrivilegeEscalation"], false);
    assert_ne!(sc["privileged"], true);
    assert_eq!(sc["capabilities"]["drop"], serde_json::json!(["ALL"]));
    let added: Vec<&str> = sc["capabilities"]["add"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for cap in &added {
        assert!(
            ["SYS_PTRACE", "DAC_READ_SEARCH"].contains(cap),
            "capability {cap} is not justified"
        );
    }

    let res = &c["resources"];
    for k in ["cpu", "memory"] {
        let req = quantity(&res["requests"][k]);
        let lim = quantity(&res["limits"][k]);
        assert!(req > 0.0 && lim >= req, "{k}: request {req}, limit {lim}");
    }
    assert!(quantity(&res["limits"]["memory"]) <= 512.0 * 1024.0 * 1024.0);
    assert!(quantity(&res["limits"]["cpu"]) <= 0.5);

    // The scheduled command: `check --root /host`, metrics into the textfile mount, state kept.
    let script = c["args"][0].as_str().unwrap();
    let joined = script.replace("\\\n", " ");
    let line = joined
        .lines()
        .find(|l| l.contains("avexclude check"))
        .unwrap()
        .trim()
        .to_string();
    assert!(line.contains("check --root /host"), "{line}");
    let argv: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(argv[0], "/usr/bin/avexclude", "one binary path everywhere");
    assert!(argv.contains(&"--hash"), "a replaced binary is noticed");
    avexclude::cli::Cli::try_parse_from(argv.iter().map(|s| s.replace("/usr/bin/", "")))
        .unwrap_or_else(|e| panic!("the DaemonSet's command line is not valid: {e}"));
    let out = argv[argv.iter().position(|a| *a == "-o").unwrap() + 1];
    let state = argv[argv.iter().position(|a| *a == "--state").unwrap() + 1];
    assert_eq!(
        argv[argv.iter().position(|a| *a == "--format").unwrap() + 1],
        "prometheus"
    );
    let mounted = |path: &str| {
        mounts.iter().any(|m| {
            let mp = m["mountPath"].as_str().unwrap();
            m["readOnly"] != true && mp != "/host" && path.starts_with(&format!("{mp}/"))
        })
    };
    assert!(mounted(out), "{out} is not on a writable mount");
    assert!(mounted(state), "{state} is not on a writable mount");
    assert!(script.contains("sleep"), "runs on a schedule");
    // The loop is valid shell.
    let st = std::process::Command::new("sh")
        .arg("-n")
        .arg("-c")
        .arg(script)
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(c["command"], serde_json::json!(["/bin/sh", "-c"]));
}

#[test]
fn collect_script_is_valid_shell_and_runs_discover_on_the_host_root() {
    let p = dir().join("collect.sh");
    let text = std::fs::read_to_string(&p).unwrap();
    let st = std::process::Command::new("sh")
        .arg("-n")
        .arg(&p)
        .status()
        .unwrap();
    assert!(st.success());
    assert!(text.contains("avexclude discover --root /host"));
    let joined = text.replace("\\\n", " ");
    let line = joined
        .lines()
        .find(|l| !l.trim_start().starts_with('#') && l.contains("/usr/bin/avexclude discover"))
        .unwrap();
    let argv: Vec<&str> = line
        .split_whitespace()
        .take_while(|a| !a.starts_with('>'))
        .collect();
    let i = argv.iter().position(|a| a.ends_with("/avexclude")).unwrap();
    avexclude::cli::Cli::try_parse_from(argv[i..].iter().copied())
        .unwrap_or_else(|e| panic!("collect.sh's discover line is not valid: {e}"));
    use std::os::unix::fs::PermissionsExt;
    assert!(
        std::fs::metadata(&p).unwrap().permissions().mode() & 0o111 != 0,
        "executable"
    );
}

/// Run collect.sh with a fake `kubectl` first on PATH (`get` prints `pods` and exits `get_rc`;
/// `exec` prints an inventory); its exit status, stderr and the output directory.
fn collect_with(get_out: &str, get_rc: i32) -> (i32, String, tempfile::TempDir) {
    let d = tempfile::tempdir().unwrap();
    let bin = d.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let fake = bin.join("kubectl");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\ncase \"$*\" in\n  *\" get pods \"*) printf '{get_out}'; [ {get_rc} -eq 0 ] || echo 'error: You must be logged in to the server (Unauthorized)' >&2; exit {get_rc} ;;\n  *\" exec \"*) echo '{{\"schema\": 1}}' ;;\nesac\n"
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = crate::support::TestCommand::new("sh")
        .arg(dir().join("collect.sh"))
        .arg(d.path().join("out"))
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .run();
    (o.code().unwrap_or(-1), o.stderr_lossy(), d)
}

#[test]
fn collect_fails_when_kubectl_fails_or_finds_no_pod() {
    let (rc, err, _d) = collect_with("", 1);
    assert_ne!(rc, 0, "kubectl failed: {err}");
    assert!(err.contains("kubectl get pods failed"), "{err}");
    let (rc, err, _d) = collect_with("", 0);
    assert_ne!(rc, 0, "no pod: {err}");
    assert!(err.contains("no avexclude pod"), "{err}");
    let (rc, err, d) = collect_with("avexclude-abcde node-1\\n", 0);
    assert_eq!(rc, 0, "{err}");
    assert!(d.path().join("out/node-1.json").is_file());
}
