//! The console in a real browser: the console binary started beside a
//! [`Stack`](super::Stack), and headless Debian Chromium driven over
//! WebDriver (chromedriver), with axe-core run on the pages and a
//! screenshot of each saved under `target/console-journeys/`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use imrf_testkit::{TestkitError, test_key_file, wait_for};
use serde_json::{Value, json};

use super::{Stack, binary};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The console binary serving the services of a stack on 127.0.0.1:0.
#[derive(Debug)]
pub struct Console {
    child: Child,
    addr: std::net::SocketAddr,
    _dir: tempfile::TempDir,
}

impl Console {
    /// Starts the console against `stack`, with the test token key: it
    /// offers the local sign-in.
    pub fn start(stack: &Stack) -> Result<Self, TestkitError> {
        Self::start_with(stack, &[])
    }

    /// As [`Console::start`], with `extra` arguments.
    pub fn start_with(stack: &Stack, extra: &[&str]) -> Result<Self, TestkitError> {
        Self::start_with_env(stack, extra, &[])
    }

    /// As [`Console::start_with`], with `env` set in its environment.
    pub fn start_with_env(
        stack: &Stack,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Self, TestkitError> {
        let dir = tempfile::tempdir()?;
        let addr_file = dir.path().join("addr");
        let urls = [
            "--regional-url",
            "--national-url",
            "--practices-url",
            "--report-url",
        ];
        let mut command = Command::new(binary("console"));
        command
            .args(["--listen", "127.0.0.1:0", "--addr-file"])
            .arg(&addr_file)
            .env("IMRF_AUTH_KEY_FILE", test_key_file())
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            });
        for (flag, service) in urls.iter().zip(&stack.services) {
            command.arg(flag).arg(service.url());
        }
        command.args(extra);
        let mut child = command.spawn().map_err(|e| {
            TestkitError::Start(format!("spawn the console: {e} (just test builds it)"))
        })?;
        let addr = wait_for(Duration::from_secs(30), || {
            std::fs::read_to_string(&addr_file)
                .ok()
                .and_then(|t| t.trim().parse().ok())
        });
        match addr {
            Some(addr) => Ok(Self {
                child,
                addr,
                _dir: dir,
            }),
            None => {
                let _ = child.kill();
                Err(TestkitError::Start(
                    "the console did not start in 30 s".into(),
                ))
            }
        }
    }

    /// `http://<addr><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver on a free port, killed on drop.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub fn start() -> Result<Self, BoxError> {
        let path = std::env::var("IMRF_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(&path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {path}: {e}; install Debian's chromium and chromium-driver \
                     (deploy/local/ensure-browser.sh does)"
                )
            })?;
        let ready = wait_for(Duration::from_secs(20), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).ok()
        });
        if ready.is_none() {
            return Err("chromedriver did not listen within 20 s".into());
        }
        Ok(Self { child, port })
    }

    /// A new headless Chromium window of `width` by `height`, with a
    /// profile of its own (cookies included).
    pub async fn browser(
        &self,
        journey: &str,
        width: u32,
        height: u32,
    ) -> Result<Browser, BoxError> {
        let profile = tempfile::tempdir()?;
        let chromium =
            std::env::var("IMRF_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?;
        let dir = screenshot_dir(journey);
        // Only this run's pages: an older run's may no longer be shown.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(Browser {
            client,
            dir,
            shots: 0,
            _profile: profile,
        })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn screenshot_dir(journey: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/console-journeys")
        .join(journey)
}

/// One browser window, and where its screenshots go.
pub struct Browser {
    pub client: Client,
    dir: PathBuf,
    shots: u32,
    _profile: tempfile::TempDir,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser").field("dir", &self.dir).finish()
    }
}

/// An accessibility violation axe-core found.
#[derive(Debug)]
pub struct Violation {
    pub id: String,
    pub impact: String,
    pub help: String,
    pub targets: Vec<String>,
}

impl Browser {
    pub async fn goto(&self, url: &str) -> Result<(), BoxError> {
        self.client.goto(url).await?;
        Ok(())
    }

    /// The text of the first element matching `css`. A live part of the
    /// page may be swapped between finding the element and reading it, so
    /// a stale element is looked up again.
    pub async fn text(&self, css: &str) -> Result<String, BoxError> {
        let mut attempts = 0;
        loop {
            let read = async { self.client.find(Locator::Css(css)).await?.text().await };
            match read.await {
                Ok(text) => return Ok(text),
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                        && attempts < 5 =>
                {
                    attempts += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    pub async fn source(&self) -> Result<String, BoxError> {
        Ok(self.client.source().await?)
    }

    pub async fn fill(&self, css: &str, value: &str) -> Result<(), BoxError> {
        let field = self.client.find(Locator::Css(css)).await?;
        field.clear().await?;
        field.send_keys(value).await?;
        Ok(())
    }

    /// Sets the value of the input `css` as its picker would, for inputs
    /// (dates) whose typing depends on the browser's locale.
    pub async fn set_value(&self, css: &str, value: &str) -> Result<(), BoxError> {
        self.client
            .execute(
                "const [css, value] = arguments; document.querySelector(css).value = value;",
                vec![css.into(), value.into()],
            )
            .await?;
        Ok(())
    }

    /// Chooses `path` in the file input `css`, as a person picking the file.
    pub async fn attach(&self, css: &str, path: &std::path::Path) -> Result<(), BoxError> {
        let path = path.canonicalize()?;
        self.client
            .find(Locator::Css(css))
            .await?
            .send_keys(&path.to_string_lossy())
            .await?;
        Ok(())
    }

    pub async fn click(&self, css: &str) -> Result<(), BoxError> {
        self.client.find(Locator::Css(css)).await?.click().await?;
        Ok(())
    }

    /// Chooses the option with `value` in the select `css`.
    pub async fn select(&self, css: &str, value: &str) -> Result<(), BoxError> {
        self.client
            .find(Locator::Css(css))
            .await?
            .select_by_value(value)
            .await?;
        Ok(())
    }

    /// Waits (up to 20 s) until `check` holds of the page's text at `css`.
    pub async fn wait_text(
        &self,
        css: &str,
        check: impl Fn(&str) -> bool,
    ) -> Result<String, BoxError> {
        let check = &check;
        let met = imrf_testkit::eventually(Duration::from_secs(20), || async move {
            let text = self.text(css).await.ok()?;
            check(&text).then_some(text)
        })
        .await;
        match met {
            Some(text) => Ok(text),
            None => {
                let now = self.text(css).await.unwrap_or_else(|e| format!("<{e}>"));
                Err(format!("{css} never met the condition; it reads: {now}").into())
            }
        }
    }

    /// Saves a screenshot of the window as `<n>-<name>.png`.
    pub async fn shot(&mut self, name: &str) -> Result<PathBuf, BoxError> {
        self.shots += 1;
        let path = self.dir.join(format!("{:02}-{name}.png", self.shots));
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    /// Runs axe-core on the page for WCAG 2.1 A and AA and returns the
    /// violations of impact serious or critical.
    pub async fn axe(&self) -> Result<Vec<Violation>, BoxError> {
        let path = std::env::var("IMRF_AXE_JS").unwrap_or_else(|_| {
            format!(
                "{}/browser/node_modules/axe-core/axe.min.js",
                env!("CARGO_MANIFEST_DIR")
            )
        });
        let axe = std::fs::read_to_string(&path).map_err(|e| {
            format!("axe-core at {path}: {e} (deploy/local/ensure-browser.sh installs it)")
        })?;
        self.client.execute(&axe, vec![]).await?;
        let result = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, {
                     runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                     iframes: false
                   }).then(r => done(r.violations.map(v => ({
                     id: v.id, impact: v.impact, help: v.help,
                     targets: v.nodes.map(n => n.target.join(' '))
                   })))).catch(e => done({ error: String(e) }));"#,
                vec![],
            )
            .await?;
        if let Some(error) = result.get("error") {
            return Err(format!("axe-core failed: {error}").into());
        }
        let text =
            |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
        Ok(result
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| Violation {
                id: text(v, "id"),
                impact: text(v, "impact"),
                help: text(v, "help"),
                targets: v
                    .get("targets")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect(),
            })
            .filter(|v| matches!(v.impact.as_str(), "serious" | "critical"))
            .collect())
    }

    /// A screenshot named `name`, then axe-core: fails on any serious or
    /// critical violation, naming it and where.
    pub async fn check(&mut self, name: &str) -> Result<(), BoxError> {
        let shot = self.shot(name).await?;
        let violations = self.axe().await?;
        if violations.is_empty() {
            return Ok(());
        }
        let url = self.client.current_url().await?;
        let listed: Vec<String> = violations
            .iter()
            .map(|v| {
                format!(
                    "{} ({}): {} at {}",
                    v.id,
                    v.impact,
                    v.help,
                    v.targets.join(", ")
                )
            })
            .collect();
        Err(format!(
            "axe-core on {url} ({}):\n{}",
            shot.display(),
            listed.join("\n")
        )
        .into())
    }

    /// Signs in on the local stack's page as `role`, with `pick` the
    /// State or commission, or the person's name.
    pub async fn sign_in(&self, console: &Console, role: &str, pick: &str) -> Result<(), BoxError> {
        self.goto(&console.url("/signin")).await?;
        self.click(&format!("#role-{role}")).await?;
        match role {
            "state" => self.select("#state", pick).await?,
            "commission" => self.select("#commission", pick).await?,
            _ => self.fill("#name", pick).await?,
        }
        self.click("form[action='/signin'] button[type=submit]")
            .await?;
        self.wait_text(".who", |t| t.contains("Signed in as"))
            .await?;
        Ok(())
    }

    pub async fn sign_out(&self) -> Result<(), BoxError> {
        self.click("form[action='/signout'] button").await?;
        self.wait_text(".who", |t| !t.contains("Signed in as"))
            .await?;
        Ok(())
    }

    /// The bytes at `path`, fetched by the page itself (its cookies and
    /// all), with the response's content type and disposition.
    pub async fn fetch(&self, path: &str) -> Result<(Vec<u8>, String, String), BoxError> {
        let result = self
            .client
            .execute_async(
                r#"const [path, done] = arguments;
                   fetch(path).then(async r => {
                     const bytes = new Uint8Array(await r.arrayBuffer());
                     let text = '';
                     for (let i = 0; i < bytes.length; i += 8192) {
                       text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
                     }
                     done({ status: r.status, type: r.headers.get('content-type') || '',
                            disposition: r.headers.get('content-disposition') || '',
                            body: btoa(text) });
                   }).catch(e => done({ error: String(e) }));"#,
                vec![json!(path)],
            )
            .await?;
        if let Some(error) = result.get("error") {
            return Err(format!("fetch {path}: {error}").into());
        }
        let status = result.get("status").and_then(Value::as_u64).unwrap_or(0);
        if status != 200 {
            return Err(format!("fetch {path}: HTTP {status}").into());
        }
        let body = result.get("body").and_then(Value::as_str).unwrap_or("");
        let text = |key: &str| {
            result
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD.decode(body)?;
        Ok((bytes, text("type"), text("disposition")))
    }
}
