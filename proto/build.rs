//! Compiles `imrf/v1/*.proto` once for the whole workspace and writes the file
//! descriptor set that reflection serves.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let dir = root.join("imrf/v1");
    // Without this, edits to a .proto would not trigger a rebuild.
    println!("cargo:rerun-if-changed={}", dir.display());

    let mut protos: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "proto"))
        .collect();
    protos.sort();

    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let mut config = tonic_prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    // `prost::Name` on every message: a file's content is made canonical
    // by the descriptor of the message it is read as.
    config.enable_type_names();
    let descriptor_path = out.join("imrf_descriptor.bin");
    // Clients and servers only with the `grpc` feature: the messages alone
    // must not pull tonic into crates that only speak the domain.
    let grpc = std::env::var_os("CARGO_FEATURE_GRPC").is_some();
    tonic_prost_build::configure()
        .build_client(grpc)
        .build_server(grpc)
        .file_descriptor_set_path(&descriptor_path)
        // Well-known types with serde support, so every message has the
        // canonical proto3 JSON form (imrfctl input files, --output json).
        .extern_path(".google.protobuf.Timestamp", "::pbjson_types::Timestamp")
        .compile_with_config(config, &protos, &[root])?;

    let descriptors = std::fs::read(&descriptor_path)?;
    pbjson_build::Builder::new()
        .register_descriptors(&descriptors)?
        .build(&[".imrf.v1"])?;
    Ok(())
}
