#[path = "support/render_reports.rs"]
mod reports;

#[test]
#[ignore]
fn dump() {
    let vendors = avexclude::render::load_vendors(None).unwrap();
    let cat = reports::catalog();
    let which = std::env::var("HOST").unwrap_or("db".into());
    let (r, inv) = match which.as_str() {
        "db" => reports::db_host(),
        "mk" => reports::microk8s(),
        _ => reports::hostile(),
    };
    let opts = avexclude::render::RenderOptions {
        wildcards: std::env::var("WILD").is_ok(),
        allow_risk: vec![],
    };
    for v in &vendors {
        let out = avexclude::render::render_with(&r, &cat, v, &opts, Some(&inv)).unwrap();
        for f in out.files {
            println!(
                "===== {}\n{}",
                f.path.display(),
                String::from_utf8_lossy(&f.bytes)
            );
        }
        for w in out.warnings {
            println!("WARN {} {}", w.code, w.message);
        }
    }
}
