//! Outgoing email over SMTP (lettre, rustls). Configured by `smtp_url`:
//! `smtps://USER:PASSWORD@HOST` (TLS), `smtp://USER:PASSWORD@HOST:587?tls=required` (STARTTLS) or
//! `smtp://HOST:PORT` (plain, for a relay on the same machine and for tests).

use cnt_model::api::CodePurpose;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Why mail could not be set up or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP URL or the sender address is not usable.
    #[error("mail settings: {0}")]
    Config(String),
    /// The SMTP server refused or could not be reached.
    #[error("cannot send email: {0}")]
    Send(String),
}

/// Sends the server's emails.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// A mailer for `smtp_url`, sending as `from` (e.g. `CNT Media <media@church.example>`).
    ///
    /// # Errors
    /// [`MailError::Config`] for a bad URL or address.
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer, MailError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| MailError::Config(format!("smtp_url: {e}")))?
            .build();
        let from = from
            .parse()
            .map_err(|e| MailError::Config(format!("mail_from {from:?}: {e}")))?;
        Ok(Mailer { transport, from })
    }

    /// Emails a one-time code.
    ///
    /// # Errors
    /// [`MailError`] when the message cannot be built or sent.
    pub async fn send_code(
        &self,
        to: &str,
        purpose: CodePurpose,
        code: &str,
        minutes: i64,
    ) -> Result<(), MailError> {
        let (subject, intro) = match purpose {
            CodePurpose::VerifyEmail => (
                "Your CNT Media confirmation code",
                "Welcome! Enter this code in the app to confirm your email address:",
            ),
            CodePurpose::ResetPassword => (
                "Your CNT Media password reset code",
                "Someone (hopefully you) asked to reset your password. Enter this code in the app:",
            ),
        };
        let body = format!(
            "{intro}\n\n    {code}\n\nThe code works for {minutes} minutes. If you did not ask for it, ignore this email.\n"
        );
        let to: Mailbox = to
            .parse()
            .map_err(|e| MailError::Send(format!("recipient {to:?}: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body)
            .map_err(|e| MailError::Send(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError::Send(e.to_string()))?;
        Ok(())
    }
}
