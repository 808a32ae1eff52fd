"""The SMS front door: Twilio's inbound webhook and the text commands, which call the
same actions as the API and the web app. Outbound texts are ``roost.phones``'s."""
