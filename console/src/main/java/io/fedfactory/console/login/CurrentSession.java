package io.fedfactory.console.login;

import jakarta.enterprise.context.RequestScoped;

/** The session of the request being served; set by {@link SessionFilter}, null on the public pages. */
@RequestScoped
public class CurrentSession {

    private Session session;

    public Session get() {
        return session;
    }

    void set(Session s) {
        session = s;
    }
}
