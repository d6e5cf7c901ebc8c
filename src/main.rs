use std::process::ExitCode;

fn main() -> ExitCode {
    match dns::cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if let dns::error::Error::InvalidZones { diagnostics, .. } = &err {
                let style = dns::report::Style::plain();
                let _ =
                    dns::report::diag::render(&mut std::io::stderr().lock(), diagnostics, style);
            }
            eprintln!("dns: {err}");
            if let Some(hint) = err.hint() {
                eprintln!("  hint: {hint}");
            }
            ExitCode::from(err.exit_code())
        }
    }
}
