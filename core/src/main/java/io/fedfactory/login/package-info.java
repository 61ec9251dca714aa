/** A participant's short-lived login to the web console, signed with the participant's own key. */
package io.fedfactory.login;
