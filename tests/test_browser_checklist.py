"""A librarian in a real browser (headless Chromium): uploads a vendor's list on /reports/check-list,
in Chinese, and reads what the alliance already holds; then downloads the union record of a held edition."""

from __future__ import annotations

import pymarc
import pytest

from tests.browser import screenshot

pytestmark = pytest.mark.browser


def test_check_a_list_then_copy_a_record(browser, browser_site, tmp_path):
    (tmp_path / "订单.csv").write_bytes(
        "国际标准书号,书名,著者,出版年,定价\n"
        ",The good earth,Pearl S. Buck,2004,15\n"
        ",联盟里没有的书,无名氏,2020,30\n".encode("gbk")
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(browser_site + "/reports/overlap?lang=zh")
        page.get_by_role("link", name="采购清单查重").click()
        page.get_by_label("清单（CSV 或 XLSX）").set_input_files(str(tmp_path / "订单.csv"))
        page.get_by_label("采购馆").select_option("THU")
        page.get_by_role("button", name="查重").click()
        page.wait_for_selector("table.checklist")
        screenshot(page, "check-list-zh")
        rows = page.locator("table.checklist tbody tr")
        assert rows.count() == 2
        assert "联盟未收藏" in rows.nth(0).inner_text()  # by verdict: not held first
        assert "The good earth" in rows.nth(1).inner_text()
        assert "GBK" in page.content()  # the encoding was told, not guessed wrong
        rows.nth(1).get_by_role("link").first.click()
        page.wait_for_url("**/instance/**")
        with page.expect_download() as download:
            page.get_by_role("link", name="MARC 21 (union record)").click()
        record = pymarc.Record(data=open(download.value.path(), "rb").read(), force_utf8=True)
        assert "good earth" in record["245"].value().lower() and record["001"].data in page.url
    finally:
        context.close()
