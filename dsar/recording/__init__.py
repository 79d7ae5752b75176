"""Staff record requests that came on paper, by e-mail or in person (the admin's "record a request")."""
