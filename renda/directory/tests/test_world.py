from django.test import TestCase

from renda.directory.testing import build_world


class WorldTest(TestCase):
    def test_it_builds_tree_paths(self):
        world = build_world()
        self.assertTrue(world.areas["xingjian"].path.startswith(world.areas["pingfang"].path))
        self.assertEqual(world.areas["xingjian"].depth, 2)
        self.assertEqual(world.units["housing"].parent, world.units["gov"])
