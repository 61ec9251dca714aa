package io.fedfactory.console.login;

import io.fedfactory.console.pages.Inputs;
import io.fedfactory.console.pages.Views;
import io.fedfactory.login.LoginTokens;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The one page served without a session: paste a login token, get a session cookie. */
@Path("/")
public class LoginPage {

    @Inject
    Sessions sessions;
    @Inject
    CurrentSession current;
    @Inject
    Views views;

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public String form() {
        return views.page("login", "Log in", null, Map.of("error", "", "maxChars", LoginTokens.MAX_TEXT_CHARS));
    }

    @POST
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public Response login(@FormParam("token") String token) {
        Session s;
        try {
            s = sessions.login(token);
        } catch (LoginTokens.InvalidLoginTokenException e) {
            return Response.status(401).entity(views.page("login", "Log in", null,
                    Map.of("error", e.getMessage(), "maxChars", LoginTokens.MAX_TEXT_CHARS))).build();
        }
        int maxAge = (int) Math.max(1, Duration.between(Instant.now(), s.expiresAt()).toSeconds());
        NewCookie cookie = new NewCookie.Builder(Sessions.COOKIE).value(s.id()).path("/").secure(true).httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(maxAge).build();
        return Response.seeOther(URI.create("/federations")).cookie(cookie).build();
    }

    @POST
    @Path("logout")
    public Response logout(@FormParam("csrf") String csrf) {
        Session s = current.get();
        Inputs.csrf(s, csrf);
        sessions.logout(s);
        NewCookie gone = new NewCookie.Builder(Sessions.COOKIE).value("").path("/").secure(true).httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
        return Response.seeOther(URI.create("/login")).cookie(gone).build();
    }
}
