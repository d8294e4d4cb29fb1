"""The test world (tests/world/world.sh) for the integration tests: start it in a temporary
directory, hand over its settings (world.env), stop it by PID whatever happens."""
import contextlib
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORLD = ROOT / "tests" / "world" / "world.sh"


def read_env(path):
    env = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        env[key] = value.strip("'")
    return env


@contextlib.contextmanager
def running_world(prefix):
    """Yields (temporary directory, world settings); the world runs inside the block."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        tmp = pathlib.Path(tmp)
        tmp.chmod(0o711)  # Dovecot's users (not root) must reach their files in the world
        world = tmp / "world"
        subprocess.run([str(WORLD), "start", str(world)], check=True, stdout=subprocess.DEVNULL)
        try:
            yield tmp, read_env(world / "world.env")
        finally:
            subprocess.run([str(WORLD), "stop", str(world)], check=True,
                           stdout=subprocess.DEVNULL)
