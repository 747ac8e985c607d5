"""Platform adapters: Telegram and the console translate their input into `Incoming` and back."""
