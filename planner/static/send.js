// The page a co-lead reaches on signing in to send a form that came while they were signed out
// (templates/errors/session_expired.html): the form goes at once, as the sign-in page said it
// would. Without script its button sends it.
document.querySelectorAll("form[data-send-now]").forEach((form) => form.submit());
