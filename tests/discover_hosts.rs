mod support;
#[test]
fn smoke() {
    let d = tempfile::tempdir().unwrap();
    let fx = support::hosts::microk8s_seed(d.path());
    let v = support::discover_json(&fx.root);
    println!("{}", serde_json::to_string_pretty(&v).unwrap());
}
