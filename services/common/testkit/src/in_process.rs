//! A service served inside the test process on a real socket.

/// A service running inside the test process on a real socket, stopped by
/// its shutdown future like a process on SIGTERM.
#[derive(Debug)]
pub struct InProcess {
    addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl InProcess {
    /// Runs `run(shutdown)` (an application's `run_until_stopped`) for a
    /// service bound to `addr`.
    pub fn spawn<F, E>(
        addr: std::net::SocketAddr,
        run: impl FnOnce(std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>) -> F,
    ) -> Self
    where
        F: std::future::Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display,
    {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let future = run(Box::pin(async {
            let _ = stopped.await;
        }));
        let task = tokio::spawn(async move {
            if let Err(err) = future.await {
                tracing::error!(error = %err, "service stopped with an error");
            }
        });
        Self {
            addr,
            stop: Some(stop),
            task,
        }
    }

    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the service and waits until it has drained.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}
