"""Settings from the environment: defaults, the cache budget, and a clear refusal of unusable values."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from twf.api.deps import Services
from twf.config import DEFAULT_CACHE_MB, load_settings
from twf.errors import InvalidSetting
from twf.fetch.budget import NOMADS_HOST, RateBudgets


def test_the_cache_budget_defaults_to_the_documented_size(data_root: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWF_CACHE_MB", raising=False)
    assert load_settings().cache_mb == DEFAULT_CACHE_MB
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert f"| `TWF_CACHE_MB` | {DEFAULT_CACHE_MB} |" in readme


def test_twf_cache_mb_bounds_every_pixel_cache_of_a_server_together(data_root: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWF_CACHE_MB", "100")
    services = Services(load_settings())
    budgets = [services.rgba.max_bytes, services.values.max_bytes, services.differences.max_bytes,
               services.exports.max_bytes]
    assert sum(budgets) == 100 << 20
    assert services.rgba.max_bytes == max(budgets)


@pytest.mark.parametrize("raw", ["lots", "0", "-5", "1.5"])
def test_an_unusable_cache_size_is_refused_by_name(data_root: Path, monkeypatch: pytest.MonkeyPatch,
                                                   raw: str) -> None:
    monkeypatch.setenv("TWF_CACHE_MB", raw)
    with pytest.raises(InvalidSetting, match="TWF_CACHE_MB"):
        load_settings()


def test_twf_serve_exits_with_a_message_on_an_unusable_cache_size(data_root: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWF_CACHE_MB", "lots")
    done = subprocess.run([sys.executable, "-m", "twf", "serve", "--port", "1"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "TWF_CACHE_MB='lots' is not a whole number" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("raw", ["maps.example.org", "https://maps.example.org/path", "ftp://x.org"])
def test_a_cors_origin_that_is_not_an_origin_is_refused(data_root: Path, monkeypatch: pytest.MonkeyPatch,
                                                       raw: str) -> None:
    monkeypatch.setenv("TWF_CORS_ORIGINS", raw)
    with pytest.raises(InvalidSetting, match="TWF_CORS_ORIGINS"):
        load_settings()


def test_cors_origins_are_a_comma_separated_list(data_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWF_CORS_ORIGINS", "https://a.example.org, http://127.0.0.1:5173/")
    assert load_settings().cors_origins == ("https://a.example.org", "http://127.0.0.1:5173")


def test_a_short_debug_token_is_refused(data_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWF_ENABLE_DEBUG_SCAN", "1")
    monkeypatch.setenv("TWF_DEBUG_TOKEN", "secret")
    with pytest.raises(InvalidSetting, match="at least"):
        load_settings()


def test_request_budgets_add_hosts_to_the_built_in_nomads_budget(data_root: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWF_REQUEST_BUDGETS", "Mirror.Example.org=600, 127.0.0.1=90.5")
    assert load_settings().request_budgets == (("mirror.example.org", 600.0), ("127.0.0.1", 90.5))
    assert RateBudgets().per_minute == {NOMADS_HOST: 100.0, "mirror.example.org": 600.0, "127.0.0.1": 90.5}
    monkeypatch.setenv("TWF_REQUEST_BUDGETS", f"{NOMADS_HOST}=30")
    assert RateBudgets().per_minute == {NOMADS_HOST: 30.0}


@pytest.mark.parametrize("raw", ["127.0.0.1", "=60", "h=0", "h=-1", "h=fast", "h=inf", "h=nan"])
def test_a_request_budget_that_is_not_a_host_and_a_rate_is_refused(data_root: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   raw: str) -> None:
    monkeypatch.setenv("TWF_REQUEST_BUDGETS", raw)
    with pytest.raises(InvalidSetting, match="TWF_REQUEST_BUDGETS: .* is not host=requests_per_minute"):
        load_settings()
