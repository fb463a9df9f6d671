import { describe, expect, it } from "vitest";
import { AppError } from "../../../../shared/errors.ts";
import { googleIdentity } from "./google.ts";
import { vkIdentity } from "./vk.ts";
import { yandexIdentity } from "./yandex.ts";

// Response shapes as documented by the providers (id.vk.com/oauth2/user_info,
// login.yandex.ru/info?format=json), with made-up people.
const vkUserInfo = {
  user: {
    user_id: "1234567890",
    first_name: "Ivan",
    last_name: "I.",
    phone: "79991234567",
    avatar: "https://pp.userapi.com/60tZWMo4SmwcploUVl9XEt8ufnTTvDUmQ6Bj1g/mmv1pcj63C4.png",
    email: "ivan_i123@vk.com",
    sex: 2,
    verified: false,
    birthday: "01.01.2000",
  },
};

const yandexInfo = {
  first_name: "Иван",
  last_name: "Иванов",
  display_name: "Ivan",
  emails: ["test@yandex.ru", "other-test@yandex.ru"],
  default_email: "test@yandex.ru",
  default_phone: { id: 12345678, number: "+79037659418" },
  real_name: "Иван Иванов",
  is_avatar_empty: false,
  birthday: "1987-03-12",
  default_avatar_id: "131652443",
  login: "ivan",
  old_social_login: "uid-mmzxrnry",
  sex: "male",
  id: "1000034426",
  client_id: "4760187d81bc4b7799476b42b5103713",
  psuid: "1.AAceCw.tfHgNKnRQjdc-ajcFMOX0A.qPWSRC5v2t2IaksPJcnrXQ",
};

describe("VK ID adapter", () => {
  it("maps user_info to an identity whose email does not link", () => {
    expect(vkIdentity(vkUserInfo)).toEqual({ provider: "vk", subject: "1234567890", email: "ivan_i123@vk.com", emailVerified: false });
  });

  it("accepts a numeric user_id and a user without email", () => {
    expect(vkIdentity({ user: { user_id: 42, first_name: "Ivan" } })).toEqual({ provider: "vk", subject: "42", email: null, emailVerified: false });
  });

  it("treats VK's error answer (HTTP 200 with error) as a provider failure", () => {
    expect(() => vkIdentity({ error: "invalid_token", error_description: "invalid access_token", state: "" })).toThrow(AppError);
    expect(() => vkIdentity({ user: { user_id: "12; drop" } })).toThrow(/unexpected shape/);
  });
});

describe("Yandex ID adapter", () => {
  it("maps /info to an identity; a Yandex mailbox is the account's own", () => {
    expect(yandexIdentity(yandexInfo)).toEqual({ provider: "yandex", subject: "1000034426", email: "test@yandex.ru", emailVerified: true });
  });

  it("does not vouch for an outside address", () => {
    expect(yandexIdentity({ ...yandexInfo, default_email: "ivan@gmail.com" }).emailVerified).toBe(false);
  });

  it("handles a user who did not grant login:email", () => {
    const { default_email: _email, emails: _emails, ...withoutEmail } = yandexInfo;
    expect(yandexIdentity(withoutEmail)).toEqual({ provider: "yandex", subject: "1000034426", email: null, emailVerified: false });
  });

  it("refuses an answer without id", () => {
    expect(() => yandexIdentity({ login: "ivan" })).toThrow(AppError);
  });
});

describe("Google adapter", () => {
  it("uses email_verified from the ID token", () => {
    expect(googleIdentity({ sub: "1098", email: "a@gmail.com", email_verified: true })).toEqual({
      provider: "google",
      subject: "1098",
      email: "a@gmail.com",
      emailVerified: true,
    });
    expect(googleIdentity({ sub: "1098", email: "a@gmail.com", email_verified: "true" }).emailVerified).toBe(true);
    expect(googleIdentity({ sub: "1098", email: "a@gmail.com" }).emailVerified).toBe(false);
  });
});
