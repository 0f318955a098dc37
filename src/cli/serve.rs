//! `common-enemy serve`: the browser bundle (`web/build.sh` makes it) over HTTP,
//! with the right MIME types and compression, one URL per network interface to
//! hand to students, and class sessions (`crate::class`) under `/class/`. Nothing
//! outside the bundle is ever served: every path is decoded and resolved (symlinks
//! included) before the file server sees it. Without a bundle, the server still
//! hosts classes (for `join` and the dashboard) and says how to build the game.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to listen: `127.0.0.1:8080` for this machine only, `0.0.0.0:8080` for a class.
    #[arg(long, default_value = crate::class::protocol::DEFAULT_ADDR)]
    addr: SocketAddr,
    /// The bundle to serve, as `web/build.sh` writes it.
    #[arg(long, default_value = "web/dist")]
    web: PathBuf,
    /// Where class sessions keep their records and seats; a restart restores them from here.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// The scenarios a class session may play (`class open --scenario ID` reads ID.ron here).
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    scenarios: PathBuf,
}

pub fn run(a: Args) -> ExitCode {
    let bundle = match router(&a.web) {
        Ok(app) => Some(app),
        Err(e) => {
            errln!("{e}");
            errln!("Serving class sessions only (for `join` and the dashboard at /class/).");
            None
        }
    };
    let data = a
        .data
        .clone()
        .unwrap_or_else(|| crate::platform::home().join("class"));
    if let Err(e) = std::fs::create_dir_all(&data) {
        errln!(
            "{}: cannot make the class data folder: {e}; name another with --data DIR",
            data.display()
        );
        return ExitCode::FAILURE;
    }
    let world = crate::class::engine::ClassWorld::open(
        crate::class::store::Store::new(&data),
        &a.scenarios,
    );
    let restored = world.session_count();
    let has_bundle = bundle.is_some();
    let class = crate::class::http::router(world);
    let app = match bundle {
        Some(bundle) => class.merge(bundle),
        None => class.route("/", axum::routing::get(no_bundle)),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            errln!("cannot start the server: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(a.addr).await {
            Ok(l) => l,
            Err(e) => {
                errln!(
                    "cannot listen on {}: {e}; choose another port with --addr",
                    a.addr
                );
                return ExitCode::FAILURE;
            }
        };
        let bound = listener.local_addr().unwrap_or(a.addr);
        match has_bundle {
            true => outln!("Serving {} — open the game at:", a.web.display()),
            false => outln!("Serving class sessions at:"),
        }
        for url in urls(bound) {
            outln!("  {url}");
        }
        outln!(
            "Class sessions: open one with the dashboard at {}class/ on this machine ({restored} restored from {}).",
            urls(bound).last().cloned().unwrap_or_default(),
            data.display()
        );
        outln!("Stop with Ctrl+C.");
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(stop)
            .await
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                errln!("the server stopped: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// The bundle's routes: its files, compressed, behind the guard that keeps every
/// request inside the bundle's folder.
pub fn router(web: &Path) -> Result<Router, String> {
    let root = std::fs::canonicalize(web).map_err(|e| {
        format!(
            "{}: {e}; build the bundle first with `bash web/build.sh`, or name it with --web DIR",
            web.display()
        )
    })?;
    if !root.join("index.html").is_file() {
        return Err(format!(
            "{}: no index.html; build the bundle with `bash web/build.sh`",
            web.display()
        ));
    }
    let files = ServeDir::new(&root).append_index_html_on_directories(true);
    Ok(Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(Arc::new(root), guard))
        .layer(CompressionLayer::new()))
}

/// The page at `/` when there is no bundle: how to build it, and where classes are.
async fn no_bundle() -> axum::response::Html<&'static str> {
    axum::response::Html(
        "<!doctype html><meta charset=utf-8><title>Common Enemy</title>\
         <h1>Common Enemy</h1><p>The browser game is not built on this server: run \
         <code>bash web/build.sh</code>, then restart <code>common-enemy serve</code>.</p>\
         <p>Class sessions work already: the teacher's dashboard is at <a href=\"/class/\">/class/</a>.</p>",
    )
}

async fn guard(State(root): State<Arc<PathBuf>>, req: Request, next: Next) -> Response {
    if inside(&root, req.uri().path()) {
        next.run(req).await
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// Whether the request path names something inside `root` (canonical): every
/// segment, once percent-decoded, must be a plain name (no `..`, no separator,
/// no drive or root), and what it resolves to, symlinks followed, must still be
/// inside. A path to nothing is let through for the file server's 404.
pub fn inside(root: &Path, uri_path: &str) -> bool {
    let Ok(decoded) = percent_encoding::percent_decode_str(uri_path).decode_utf8() else {
        return false;
    };
    let mut path = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty() && *s != ".") {
        let mut parts = Path::new(segment).components();
        let plain = matches!(parts.next(), Some(Component::Normal(_)))
            && parts.next().is_none()
            && !segment.contains(['\\', '\0']);
        if !plain {
            return false;
        }
        path.push(segment);
    }
    // A folder is answered with its index.html: that file must be inside too.
    let candidates = [path.clone(), path.join("index.html")];
    candidates.iter().all(|p| match std::fs::canonicalize(p) {
        Ok(real) => real.starts_with(root),
        Err(_) => !p.is_symlink(),
    })
}

/// The addresses to give out: the one bound, or for an unspecified address
/// (`0.0.0.0`, `::`) one per network interface of that family.
pub fn urls(addr: SocketAddr) -> Vec<String> {
    let ips: Vec<IpAddr> = if addr.ip().is_unspecified() {
        let mut ips: Vec<IpAddr> = if_addrs::get_if_addrs()
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.ip())
            .filter(|ip| ip.is_ipv4() == addr.is_ipv4())
            .collect();
        // Loopback last: it only works on the server itself.
        ips.sort_by_key(|ip| (ip.is_loopback(), *ip));
        ips.dedup();
        ips
    } else {
        vec![addr.ip()]
    };
    ips.into_iter()
        .map(|ip| format!("http://{}/", SocketAddr::new(ip, addr.port())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    /// A bundle with a page, a wasm file, a folder, and symlinks pointing out of it.
    fn bundle(name: &str) -> (PathBuf, PathBuf) {
        let base = std::env::temp_dir().join(format!("ce-serve-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let web = base.join("dist");
        std::fs::create_dir_all(web.join("scenarios")).unwrap();
        std::fs::write(web.join("index.html"), "<html>the game</html>").unwrap();
        std::fs::write(web.join("game.wasm"), vec![0u8; 4096]).unwrap();
        std::fs::write(web.join("scenarios/a.ron"), "(id: \"a\")").unwrap();
        std::fs::write(base.join("secret.txt"), "secret").unwrap();
        std::fs::create_dir_all(base.join("outside")).unwrap();
        std::fs::write(base.join("outside/index.html"), "secret page").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("secret.txt"), web.join("link.txt")).unwrap();
            std::os::unix::fs::symlink(base.join("outside"), web.join("out")).unwrap();
            std::os::unix::fs::symlink("/etc", web.join("etc")).unwrap();
        }
        (base, web)
    }

    async fn get(app: &Router, uri: &str, gzip: bool) -> Response {
        let mut req = Request::builder().uri(uri);
        if gzip {
            req = req.header("accept-encoding", "gzip");
        }
        app.clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    async fn body(r: Response) -> String {
        let bytes = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[tokio::test]
    async fn serves_the_bundle_with_types_and_compression() {
        let (_, web) = bundle("types");
        let app = router(&web).unwrap();
        let page = get(&app, "/", false).await;
        assert_eq!(page.status(), StatusCode::OK);
        assert!(
            page.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(body(page).await, "<html>the game</html>");
        let wasm = get(&app, "/game.wasm", true).await;
        assert_eq!(wasm.status(), StatusCode::OK);
        assert_eq!(wasm.headers()["content-type"], "application/wasm");
        assert_eq!(wasm.headers()["content-encoding"], "gzip");
        let ron = get(&app, "/scenarios/a.ron", false).await;
        assert_eq!(body(ron).await, "(id: \"a\")");
        assert_eq!(
            get(&app, "/nothing.here", false).await.status(),
            StatusCode::NOT_FOUND
        );
    }

    #[tokio::test]
    async fn never_serves_outside_the_bundle() {
        let (base, web) = bundle("outside");
        let app = router(&web).unwrap();
        let secret = base.join("secret.txt").display().to_string();
        let absolute = [
            format!("/{secret}"),
            format!("/{}", secret.replace('/', "%2f")),
        ];
        for uri in absolute.iter().map(String::as_str).chain([
            "/../secret.txt",
            "/scenarios/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/..%2fsecret.txt",
            "/scenarios%2f..%2f..%2fsecret.txt",
            "/..%5csecret.txt",
            "//etc/passwd",
            "/%2fetc%2fpasswd",
            "/etc/passwd",
            "/link.txt",
            "/out/",
            "/out/index.html",
            "/etc/hostname",
            "/%00",
        ]) {
            let r = get(&app, uri, false).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{uri}");
            let text = body(r).await;
            assert!(!text.contains("secret"), "{uri}: {text}");
        }
    }

    #[test]
    fn the_guard_takes_plain_paths_and_nothing_else() {
        let (base, web) = bundle("guard");
        let root = std::fs::canonicalize(&web).unwrap();
        assert!(inside(&root, "/"));
        assert!(inside(&root, "/scenarios/a.ron"));
        assert!(inside(&root, "/./scenarios//a.ron"));
        assert!(inside(&root, "/not-yet-built.js"));
        assert!(!inside(&root, "/../secret.txt"));
        assert!(!inside(&root, "/%2e%2e/secret.txt"));
        assert!(!inside(&root, "/link.txt"));
        assert!(!inside(&root, "/out"));
        // An absolute path is taken under the bundle, where it names nothing.
        let absolute = format!("/{}", base.join("secret.txt").display());
        assert!(inside(&root, &absolute.replace('/', "%2f")));
    }

    #[test]
    fn a_missing_bundle_is_refused_with_the_command_to_build_it() {
        let e = router(Path::new("/no/such/bundle")).unwrap_err();
        assert!(e.contains("web/build.sh"), "{e}");
    }

    #[test]
    fn urls_name_the_address_or_every_interface() {
        assert_eq!(
            urls("127.0.0.1:8080".parse().unwrap()),
            ["http://127.0.0.1:8080/"]
        );
        let all = urls("0.0.0.0:9000".parse().unwrap());
        assert!(
            all.contains(&"http://127.0.0.1:9000/".to_string()),
            "{all:?}"
        );
        assert!(all.iter().all(|u| u.ends_with(":9000/")), "{all:?}");
    }
}
