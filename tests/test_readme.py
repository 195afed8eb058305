"""The README's examples run, so that the README cannot rot."""

import doctest
import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "the README has no Python example"
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for number, block in enumerate(blocks):
        runner.run(parser.get_doctest(block, {}, f"README bloc {number}", "README.md", 0))
    assert runner.failures == 0


def test_cli_examples_show_real_output(capsys, monkeypatch):
    from reseaumedia.cli import main

    monkeypatch.chdir(ROOT)  # the examples name files relative to the repository
    examples = re.findall(r"```console\n\$ python cli\.py (.*?)\n(.*?)```", README, flags=re.S)
    assert examples
    for command, shown in examples:
        args = [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', command)]
        main(args)
        captured = capsys.readouterr()
        assert (captured.out + captured.err).strip() == shown.strip(), command


def test_setup_commands_match_ci():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = 'python -m pip install ".[test]" && python -m pytest'
    assert test_command in README
    assert ci.strip().splitlines()[-1] == test_command


def test_package_docstring_example_runs():
    import reseaumedia

    result = doctest.testmod(reseaumedia, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
