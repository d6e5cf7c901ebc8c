use std::process::ExitCode;

fn main() -> ExitCode {
    match dns::cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dns: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
